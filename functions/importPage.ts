import "./runtime/appSetup";

import path from "node:path";

import { app } from "@azure/functions";

import { maxUploadBytes } from "../shared/appServices";
import { importPageHeaders, loadImportPageFiles, PageFile } from "../shared/page/importPageFiles";
import { importPageSettings } from "../shared/page/importPageSettings";
import { appStorage } from "../shared/storage/appStorage";

let page: { files: Map<string, PageFile>; headers: Record<string, string> } | undefined;

/** The import page for practice staff: `/api/ui` and the fixed set of files it is made of. */
app.http("importPage", {
  methods: ["GET"],
  route: "ui/{file?}",
  authLevel: "anonymous",
  handler: async (request) => {
    page ??= {
      files: loadImportPageFiles(path.resolve(__dirname, "..", ".."), importPageSettings(maxUploadBytes(process.env))),
      headers: importPageHeaders(new URL(appStorage().blobs.url).origin),
    };
    const { files, headers } = page;
    const file = files.get(request.params.file ?? "index.html");
    if (!file) return { status: 404, headers };
    return { status: 200, headers: { ...headers, "content-type": file.contentType }, body: file.body };
  },
});
