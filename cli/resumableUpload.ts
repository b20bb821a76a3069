import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { BlockBlobClient } from "@azure/storage-blob";

const blockBytes = 8 * 1024 * 1024;
const concurrency = 4;

/** The blocks of one file in one job, as `stageBlock` needs them: ids of equal length, fixed by position. */
function blocksOf(size: number): { id: string; start: number; length: number }[] {
  const count = Math.max(1, Math.ceil(size / blockBytes));
  return Array.from({ length: count }, (_, index) => ({
    id: Buffer.from(`block-${String(index).padStart(6, "0")}`).toString("base64"),
    start: index * blockBytes,
    length: Math.min(blockBytes, size - index * blockBytes),
  }));
}

/**
 * Where the blocks a job has received are noted, one line each, as they are sent: the upload URL can only
 * write (spec 2.6), so the service's own list of uncommitted blocks (Get Block List needs read) is not ours to
 * ask, and this journal stands in for it. It lives in the temporary folder, named after the job.
 */
export class BlockJournal {
  readonly file: string;

  constructor(jobCode: string) {
    const folder = path.join(os.tmpdir(), "client-import");
    fs.mkdirSync(folder, { recursive: true });
    this.file = path.join(folder, `${createHash("sha256").update(jobCode).digest("hex").slice(0, 32)}.blocks`);
  }

  sent(): Set<string> {
    return fs.existsSync(this.file)
      ? new Set(fs.readFileSync(this.file, "utf8").split("\n").filter(Boolean))
      : new Set();
  }

  note(id: string): void {
    fs.appendFileSync(this.file, `${id}\n`);
  }

  clear(): void {
    fs.rmSync(this.file, { force: true });
  }
}

export interface BlockUploadProgress {
  /** Blocks a journal said were sent already, skipped. */
  resumedBlocks: number;
  totalBlocks: number;
}

/**
 * Puts a file into the blob an upload URL names, in 8 MiB blocks read straight from disk (4 at a time), then
 * commits them. With `resume`, blocks the journal lists are not sent again; if the service no longer has them
 * (uncommitted blocks expire after 7 days), every block is sent once more.
 */
export async function uploadInBlocks(
  uploadUrl: string,
  file: string,
  journal: BlockJournal,
  resume: boolean,
  onProgress: (sentBytes: number, totalBytes: number) => void,
  onStart: (progress: BlockUploadProgress) => void,
): Promise<void> {
  const size = fs.statSync(file).size;
  const blob = new BlockBlobClient(uploadUrl);
  const blocks = blocksOf(size);
  const send = async (skip: Set<string>) => {
    const todo = blocks.filter((block) => !skip.has(block.id));
    onStart({ resumedBlocks: blocks.length - todo.length, totalBlocks: blocks.length });
    const inFlight = new Map<string, number>();
    let done = blocks.filter((block) => skip.has(block.id)).reduce((sum, block) => sum + block.length, 0);
    const report = () => onProgress(done + [...inFlight.values()].reduce((a, b) => a + b, 0), size);
    report();
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const block = todo[next++];
        inFlight.set(block.id, 0);
        await blob.stageBlock(
          block.id,
          () => fs.createReadStream(file, { start: block.start, end: block.start + Math.max(block.length, 1) - 1 }),
          block.length,
          {
            onProgress: (event) => {
              inFlight.set(block.id, event.loadedBytes);
              report();
            },
          },
        );
        inFlight.delete(block.id);
        done += block.length;
        journal.note(block.id);
        report();
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
  };
  await send(resume ? journal.sent() : new Set());
  const commit = () =>
    blob.commitBlockList(
      blocks.map((block) => block.id),
      { blobHTTPHeaders: { blobContentType: "text/csv" } },
    );
  try {
    await commit();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 400 || !resume) throw error;
    // InvalidBlockList: blocks the journal listed are gone; send them all again.
    journal.clear();
    await send(new Set());
    await commit();
  }
  journal.clear();
}
