import { PassThrough, Readable } from "node:stream";
import busboy from "busboy";
import { UploadedFile } from "../imports/importApi";
import { ApiResponse, problem } from "./apiResponse";

export type UploadHandler = (file: UploadedFile | null, fields: () => Promise<Record<string, string>>) => Promise<ApiResponse>;

const maxFieldBytes = 1024 * 1024;

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
    const file = body ? { fileName: query.get("fileName") || "upload.csv", body: Readable.fromWeb(body as never) as AsyncIterable<Uint8Array> } : null;
    return handle(file, async () => Object.fromEntries(query));
  }
  if (type !== "multipart/form-data") {
    return problem(415, "Send the file as multipart/form-data (part 'file') or as a text/csv body");
  }
  if (!body) return handle(null, async () => ({}));

  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { "content-type": contentType! }, limits: { files: 1, fieldSize: maxFieldBytes } });
  } catch (error) {
    return problem(400, `The multipart body cannot be read: ${(error as Error).message}`);
  }
  const fields: Record<string, string> = {};
  let handled: Promise<ApiResponse> | undefined;
  const closed = new Promise<void>((resolve, reject) => {
    parser.on("close", resolve);
    parser.on("error", reject);
  });
  closed.catch(() => undefined);
  parser.on("field", (name, value) => (fields[name] = value));
  parser.on("file", (name, stream, info) => {
    if (name !== "file" || handled) {
      stream.resume();
      return;
    }
    // The handler reads a copy, so stopping early (a file over the limit) cannot break the form parser: what it
    // leaves unread is drained, and the rest of the form still arrives.
    const body = stream.pipe(new PassThrough());
    handled = handle({ fileName: info.filename || "upload.csv", body }, () => closed.then(() => fields)).finally(() => {
      stream.unpipe(body);
      stream.resume();
    });
  });
  Readable.fromWeb(body as never).pipe(parser);
  try {
    await closed;
  } catch (error) {
    if (handled) await handled.catch(() => undefined);
    return problem(400, `The multipart body cannot be read: ${(error as Error).message}`);
  }
  return handled ?? handle(null, async () => fields);
}
