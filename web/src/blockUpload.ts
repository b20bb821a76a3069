import { ApiError } from "./apiError.js";
import { Progress, send } from "./transfer.js";

const blockBytes = 4 * 1024 * 1024;
const attempts = 3;

/**
 * Puts a file into the blob an upload URL names, in blocks, then commits them (Put Block, Put Block List):
 * progress moves with each block, and a dropped connection repeats only the block it was sending.
 */
export async function uploadInBlocks(uploadUrl: string, file: Blob, onProgress: Progress): Promise<void> {
  const ids: string[] = [];
  const blocks = Math.max(1, Math.ceil(file.size / blockBytes));
  for (let index = 0; index < blocks; index++) {
    // Block ids are base64 of equal-length text, as the service requires.
    const id = btoa(`block-${String(index).padStart(6, "0")}`);
    const start = index * blockBytes;
    await withRetries(() =>
      send(
        "PUT",
        `${uploadUrl}&comp=block&blockid=${encodeURIComponent(id)}`,
        {},
        file.slice(start, start + blockBytes),
        (loaded) => onProgress(start + loaded, file.size),
      ),
    );
    ids.push(id);
  }
  const list = `<?xml version="1.0" encoding="utf-8"?><BlockList>${ids.map((id) => `<Latest>${id}</Latest>`).join("")}</BlockList>`;
  await withRetries(() =>
    send("PUT", `${uploadUrl}&comp=blocklist`, { "x-ms-blob-content-type": "text/csv" }, list, () => undefined),
  );
  onProgress(file.size, file.size);
}

async function withRetries(put: () => ReturnType<typeof send>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    let status = 0;
    try {
      status = (await put()).status;
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
    if (status >= 200 && status < 300) return;
    if (status !== 0 && (status < 500 || attempt >= attempts))
      throw new ApiError(
        status,
        status === 403
          ? "The upload link has expired or was refused. Start the upload again."
          : `The file could not be stored (storage answered ${status}). Start the upload again.`,
      );
  }
}
