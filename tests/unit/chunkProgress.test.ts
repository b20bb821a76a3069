import { describe, expect, it } from "vitest";

import { ClientWrite } from "../../shared/clients/clientStore";
import { ChunkProgress } from "../../shared/imports/chunkProgress";
import { ImportCheckpoint } from "../../shared/imports/importJob";

const at = "2026-11-30T00:00:00.000Z";
const create = (code: string): ClientWrite => ({ kind: "create", values: { Code: code, Name: code }, at });
const update = (code: string): ClientWrite => ({ kind: "update", code, values: { Name: code }, at });

/** The checkpoint after `chunk` chunks of `rows` rows each, every row a create but one error per chunk. */
function after(chunk: number, rows = 3): ImportCheckpoint {
  const processed = chunk * rows;
  return {
    offset: processed * 10,
    records: processed + 1,
    chunk,
    counts: { processed, created: processed - chunk, updated: 0, skipped: 0, error: chunk },
  };
}

describe("a slice's chunk progress", () => {
  it("moves the checkpoint only past chunks applied from the oldest on, whatever order they land in", () => {
    const written = { creates: 0, updates: 0 };
    const chunks = new ChunkProgress(after(0), { written });
    const first = chunks.logged({ after: after(1), writes: [create("A"), create("B")] });
    const second = chunks.logged({ after: after(2), writes: [create("C"), create("D")] });
    const third = chunks.logged({ after: after(3), writes: [create("E"), create("F")] });
    expect(chunks.decided).toEqual(after(3));
    second();
    third();
    expect(chunks.applied).toEqual(after(0));
    first();
    expect(chunks.applied).toEqual(after(3));
  });

  it("shows the rows decided less those whose writes are not written yet, by kind", () => {
    const written = { creates: 0, updates: 0 };
    const chunks = new ChunkProgress(after(0), { written });
    const counts = { processed: 4, created: 2, updated: 1, skipped: 0, error: 1 };
    chunks.logged({
      after: { offset: 40, records: 5, chunk: 1, counts },
      writes: [create("A"), create("B"), update("C")],
    });
    // The error row is done once decided; no write has landed.
    expect(chunks.done()).toEqual({ processed: 1, created: 0, updated: 0, skipped: 0, error: 1 });
    written.creates = 1;
    written.updates = 1;
    expect(chunks.done()).toEqual({ processed: 3, created: 1, updated: 1, skipped: 0, error: 1 });
    written.creates = 2;
    expect(chunks.done()).toEqual(counts);
  });

  it("with no writer (a dry run) takes a chunk for applied and done once logged", () => {
    const chunks = new ChunkProgress(after(0), null);
    chunks.logged({ after: after(1), writes: [create("A"), create("B")] });
    expect(chunks.applied).toEqual(after(1));
    expect(chunks.done()).toEqual(after(1).counts);
  });
});
