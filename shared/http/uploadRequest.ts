import { PassThrough, Readable } from "node:stream";

import busboy from "busboy";

import { UploadedFile } from "../imports/imports";
import { parseUploadForm, UploadOptions } from "../imports/uploadOptions";
import { FieldError } from "../outcome";
import { Parsed } from "../schema";
import { errorMessage } from "../util/errorMessage";
import { ApiResponse, problem } from "./apiResponse";

/** The options sent beside a file, and what was wrong with the form that carried them. */
export interface UploadFields {
  values: Record<string, string>;
  errors: FieldError[];
}

export type UploadHandler = (file: UploadedFile | null, fields: () => Promise<UploadFields>) => Promise<ApiResponse>;

/** The upload's options, from form fields that could all be read. */
export function uploadOptionsOf(fields: UploadFields): Parsed<UploadOptions> {
  return fields.errors.length > 0 ? { ok: false, errors: fields.errors } : parseUploadForm(fields.values);
}

// The options are ten short fields; the longest, columnMappingsJson, is 67 mappings of at most 256-character
// headers, about 20 KB.
const formLimits = { fieldSize: 64 * 1024, fields: 20, parts: 25, files: 1 };

/**
 * Hands an upload request to `handle` as a streamed file and its options: a `multipart/form-data` body (part
 * `file` plus form fields, parsed as it streams by busboy, never buffered) or a raw `text/csv` body (options in
 * the query string, the name in `fileName`).
 */
export async function receiveUploadRequest(
  contentType: string | null,
  body: ReadableStream<Uint8Array> | null,
  query: URLSearchParams,
  handle: UploadHandler,
): Promise<ApiResponse> {
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (type === "text/csv" || type === "application/csv") {
    const file = body
      ? {
          fileName: query.get("fileName") || "upload.csv",
          body: Readable.fromWeb(body as never) as AsyncIterable<Uint8Array>,
        }
      : null;
    const values = Object.fromEntries([...query].filter(([name]) => name !== "fileName"));
    return handle(file, async () => ({ values, errors: [] }));
  }
  if (type !== "multipart/form-data") {
    return problem(415, "Send the file as multipart/form-data (part 'file') or as a text/csv body");
  }
  if (!body) return handle(null, async () => ({ values: {}, errors: [] }));

  let parser: busboy.Busboy;
  try {
    // Names are UTF-8 as browsers send them (busboy's default, Latin-1, garbles "O’Brien.csv"); `filename*`
    // (RFC 5987) names its own charset.
    parser = busboy({ headers: { "content-type": contentType! }, limits: formLimits, defParamCharset: "utf8" });
  } catch (error) {
    return problem(400, `The multipart body cannot be read: ${errorMessage(error)}`);
  }
  // No prototype: a field named `__proto__` or `constructor` is a field like any other.
  const fields = Object.create(null) as Record<string, string>;
  // The query carries a text/csv body's options; beside a form, an option there would be dropped unread.
  const errors: FieldError[] = [...query.keys()].map((name) => ({
    field: name,
    message: "is read from the query only with a text/csv body; send it as a form field",
  }));
  let handled: Promise<ApiResponse> | undefined;
  const closed = new Promise<void>((resolve, reject) => {
    parser.on("close", resolve);
    parser.on("error", reject);
  });
  closed.catch(() => undefined);
  parser.on("field", (name, value, info) => {
    // A name is never cut short (busboy reads multipart names whole); one the form does not have is refused by name.
    if (info.valueTruncated) errors.push({ field: name, message: `is longer than ${formLimits.fieldSize / 1024} KiB` });
    else fields[name] = value;
  });
  parser.on("fieldsLimit", () => errors.push({ field: "form", message: `has more than ${formLimits.fields} fields` }));
  parser.on("partsLimit", () => errors.push({ field: "form", message: `has more than ${formLimits.parts} parts` }));
  parser.on("filesLimit", () => errors.push({ field: "file", message: "send one file per upload" }));
  parser.on("file", (name, stream, info) => {
    if (name !== "file" || handled) {
      stream.resume();
      return;
    }
    // The handler reads a copy, so stopping early (a file over the limit) cannot break the form parser: what it
    // leaves unread is drained, and the rest of the form still arrives. A form that ends inside the file (an upload
    // cut short) fails the file's stream: the copy fails with it, where the error went unhandled and ended the
    // process, with every import and request it was running.
    const body = new PassThrough();
    stream.on("error", (error) => body.destroy(error));
    stream.pipe(body);
    handled = handle({ fileName: info.filename || "upload.csv", body }, () =>
      closed.then(() => ({ values: fields, errors })),
    ).finally(() => {
      stream.unpipe(body);
      stream.resume();
    });
  });
  // A request body that fails (a client gone mid-upload) fails the form, which the answer below reports.
  const source = Readable.fromWeb(body as never);
  source.on("error", (error) => parser.destroy(error));
  source.pipe(parser);
  try {
    await closed;
  } catch (error) {
    if (handled) await handled.catch(() => undefined);
    return problem(400, `The multipart body cannot be read: ${errorMessage(error)}`);
  }
  return handled ?? handle(null, async () => ({ values: fields, errors }));
}
