import { errorMessage } from "../util/errorMessage";
import { ApiResponse, problem } from "./apiResponse";

/** Request bodies of the JSON routes: a start request or a saved mapping is a few kilobytes at most. */
export const maxJsonBodyBytes = 1024 * 1024;

/**
 * A request's JSON body (an empty body reads as `{}`), or the problem that says why not: 413 past
 * `maxJsonBodyBytes` (reading stops there, so a huge body costs no memory), 400 when it is not JSON.
 */
export async function readJsonBody(
  body: ReadableStream | null,
): Promise<{ value: unknown } | { problem: ApiResponse }> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  if (body) {
    const reader = body.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      const chunk = read.value as Uint8Array;
      bytes += chunk.length;
      if (bytes > maxJsonBodyBytes) {
        await reader.cancel();
        return {
          problem: problem(
            413,
            `The body is larger than the ${maxJsonBodyBytes / 1024 / 1024} MiB a JSON request may be`,
          ),
        };
      }
      chunks.push(chunk);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return { value: JSON.parse(text || "{}") };
  } catch (error) {
    return { problem: problem(400, `The body is not valid JSON: ${errorMessage(error)}`) };
  }
}
