import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { generate } from "selfsigned";

/** A self-signed certificate for 127.0.0.1 and localhost, written as PEM files to a new temporary folder. */
export async function writeTestCertificate(): Promise<{ certPath: string; keyPath: string }> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "test-cert-"));
  const pem = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keySize: 2048,
    notAfterDate: new Date(Date.now() + 24 * 60 * 60 * 1000),
    extensions: [
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  const certPath = path.join(folder, "cert.pem");
  const keyPath = path.join(folder, "key.pem");
  fs.writeFileSync(certPath, pem.cert);
  fs.writeFileSync(keyPath, pem.private);
  return { certPath, keyPath };
}
