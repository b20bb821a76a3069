import fs from "node:fs";
import path from "node:path";

import { clientTemplateCsv } from "../clients/clientTemplate";
import { ImportPageSettings } from "./importPageSettings";

export interface PageFile {
  body: Buffer;
  contentType: string;
}

const contentTypes = new Map([
  [".html", "text/html; charset=utf-8"],
  [".css", "text/css; charset=utf-8"],
  [".js", "text/javascript; charset=utf-8"],
]);

/** The name the template downloads as, and is served under. */
export const templateFileName = "clients-template.csv";

/**
 * Every file the import page is made of, by the name it is served under, read once: the compiled scripts
 * (`dist/web`), the HTML and CSS (`web/public`), papaparse's browser build, the page's settings and the
 * template CSV. A request only picks one of these by name; no path is ever built from it.
 */
export function loadImportPageFiles(appRoot: string, settings: ImportPageSettings): Map<string, PageFile> {
  const files = new Map<string, PageFile>();
  for (const folder of [path.join(appRoot, "dist", "web"), path.join(appRoot, "web", "public")]) {
    for (const name of fs.readdirSync(folder)) {
      const contentType = contentTypes.get(path.extname(name));
      if (contentType) files.set(name, { body: fs.readFileSync(path.join(folder, name)), contentType });
    }
  }
  files.set("papaparse.min.js", {
    body: fs.readFileSync(require.resolve("papaparse/papaparse.min.js")),
    contentType: "text/javascript; charset=utf-8",
  });
  files.set("settings.json", {
    body: Buffer.from(JSON.stringify(settings)),
    contentType: "application/json; charset=utf-8",
  });
  files.set(templateFileName, {
    body: Buffer.from(clientTemplateCsv()),
    contentType: "text/csv; charset=utf-8",
  });
  return files;
}

/**
 * Headers of every page answer: scripts and styles only from the app itself, network calls to the app and to
 * the storage account the large-file upload and the not-imported file live in, no framing, no referrer.
 */
export function importPageHeaders(blobOrigin: string): Record<string, string> {
  const policy = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${blobOrigin}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    "content-security-policy": policy,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
  };
}
