import { apiError } from "./apiError.js";

export type Progress = (loaded: number, total: number) => void;

export interface Sent {
  status: number;
  body: unknown;
}

/**
 * Sends a body with XMLHttpRequest, which reports upload progress (fetch does not). Resolves with any status;
 * a network failure is an ApiError with status 0.
 */
export function send(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: XMLHttpRequestBodyInit,
  onProgress: Progress,
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(method, url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => onProgress(event.loaded, event.total);
    request.onload = () => {
      let parsed: unknown = null;
      if (/json/.test(request.getResponseHeader("content-type") ?? "")) {
        try {
          parsed = JSON.parse(request.responseText);
        } catch {
          parsed = null;
        }
      }
      resolve({ status: request.status, body: parsed });
    };
    request.onerror = () => reject(apiError(0, null));
    request.send(body);
  });
}
