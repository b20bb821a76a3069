import { describe, expect, it } from "vitest";

import { CsvColumnMapping } from "../../shared/imports/csvColumnMapping";
import { defaultImportOptions } from "../../shared/imports/importJob";
import { UploadReader } from "../../shared/imports/uploadReader";
import { memoryServices } from "../support/memoryStores";

/**
 * A large file that landed through its upload URL is read as queued work, in slices that each go on from the
 * last one's saved reading (spec 4), on in-memory stores. The same path runs through the local host against
 * Azurite in the integration tests.
 */
const rows = 30_000;
const file = Buffer.from(
  ["Code,Name,Email", ...Array.from({ length: rows }, (_, i) => `L${i},Landed ${i} Ltd,l${i}@landed.example`)].join(
    "\r\n",
  ) + "\r\n",
);
const mapping = ["Code", "Name", "Email"].map((h) => ({
  csvHeader: h,
  targetField: h as CsvColumnMapping["targetField"],
}));

/** Services with a slice budget shorter than any read, so every slice stops at its first saved reading. */
async function landed(options: { start: boolean }, env: Record<string, string> = { ImportSliceSeconds: "0.000001" }) {
  let now = Date.parse("2026-11-29T09:00:00Z");
  const memory = memoryServices(env, () => new Date(now));
  const requested = await memory.services.imports.requestUpload("t", {
    fileName: "landed.csv",
    hasHeaderRow: null,
    start: options.start
      ? {
          mappingCode: null,
          matchField: null,
          columnMappings: mapping,
          options: { ...defaultImportOptions, importMode: "CreateOnly", defaultClientType: "PrivateLimitedCompany" },
        }
      : null,
  });
  if (!requested.ok || !("ticket" in requested.value)) throw new Error("no ticket");
  const { code } = requested.value.ticket;
  memory.stores.files.blobs.set(`uploads/t/${code}.csv`, file);
  const reads: number[] = [];
  const readSource = memory.stores.files.readSource.bind(memory.stores.files);
  memory.stores.files.readSource = (source, offset) => {
    reads.push(offset);
    return readSource(source, offset);
  };
  return { ...memory, code, reads, advance: (ms: number) => (now += ms) };
}

describe("a large file that landed", () => {
  it("is not read by its arrival: that pins it and queues its reading, at once", async () => {
    const { services, stores, code, reads } = await landed({ start: false });
    expect(await services.imports.fileArrived("t", code)).toBe(true);
    expect(reads).toEqual([]);
    const job = (await stores.jobs.get("t", code))!;
    expect(job.source.snapshot).not.toBeNull();
    expect(job.heartbeat).toBe("2026-11-29T09:00:00.000Z");
    expect(stores.queue.waiting.map((w) => w.message)).toEqual([{ tenant: "t", code }]);
    expect(await services.imports.preview("t", code)).toEqual({
      ok: false,
      refused: "conflict",
      detail: `The file of import ${code} has arrived and is being read; its preview follows`,
    });
    // An event for no job waiting for its file (another tenant's code, say) queues nothing, and says so.
    expect(await services.imports.fileArrived("other", code)).toBe(false);
    expect(stores.queue.waiting).toHaveLength(1);
  });

  it("is read in slices, a message each, each going on from the last one's reading; then the import runs", async () => {
    const { services, stores, code, reads, drain } = await landed({ start: true });
    await services.imports.fileArrived("t", code);
    await drain();
    // A reading exists at the end of each batch of 1,000 records: about one slice per batch.
    expect(reads.length).toBeGreaterThan(20);
    expect(reads.slice(0, 3)).toEqual([0, expect.any(Number), expect.any(Number)]);
    expect(reads.slice(1, 25).every((offset, i) => offset > reads[i])).toBe(true);
    const preview = await services.imports.preview("t", code);
    expect(preview).toMatchObject({ ok: true, value: { totalRows: rows, headers: ["Code", "Name", "Email"] } });
    expect(await services.imports.status("t", code)).toMatchObject({
      value: { status: "Completed", totalItems: rows, createdCount: rows },
    });
    // The reading is gone with the read.
    expect(stores.files.readings.size).toBe(0);
  });

  it("read by a slice that dies is read on from its last saved reading by the next delivery, with the same outcome", async () => {
    const { services, stores, code, reads } = await landed({ start: false }, { ImportSliceSeconds: "3600" });
    await services.imports.fileArrived("t", code);
    // An earlier slice saved its reading (slices save every 10 s: here the test saves one), then a delivery dies.
    const readSource = stores.files.readSource.bind(stores.files);
    let died = false;
    stores.files.readSource = (source, offset) => {
      const chunks = readSource(source, offset);
      return (async function* () {
        let bytes = 0;
        for await (const chunk of chunks) {
          bytes += chunk.length;
          if (!died && bytes > file.length / 2) {
            died = true;
            throw new Error("the worker died");
          }
          yield chunk;
        }
      })();
    };
    const reader = new UploadReader();
    reader.push(file.subarray(0, 400_000));
    await stores.files.saveReading("t", code, reader.reading()!);
    const savedAt = reader.reading()!.offset;

    const message = stores.queue.take()!;
    await expect(services.runSlice(message)).rejects.toThrow("the worker died");
    expect(await services.runSlice(message)).toBe("finished");
    expect(reads).toEqual([savedAt, savedAt]);
    expect(await services.imports.preview("t", code)).toMatchObject({ ok: true, value: { totalRows: rows } });
  });

  it("gives way past its share to another tenant's import waiting, from its saved reading; else reads to its end", async () => {
    const share = { ImportSliceSeconds: "3600", ImportShareSeconds: "0.000001" };
    const alone = await landed({ start: false }, share);
    await alone.services.imports.fileArrived("t", alone.code);
    const own = alone.stores.queue.take()!;
    expect(await alone.services.runSlice(own)).toBe("finished");

    const { services, stores, code, reads } = await landed({ start: false }, share);
    await services.imports.fileArrived("t", code);
    const message = stores.queue.take()!;
    await stores.queue.send({ tenant: "other", code: "waiting" });
    expect(await services.runSlice(message)).toBe("continue");
    const saved = await stores.files.loadReading("t", code);
    expect(saved?.offset).toBeGreaterThan(0);
    expect(saved?.offset).toBeLessThan(file.length / 2);
    stores.queue.take();
    expect(await services.runSlice(message)).toBe("finished");
    expect(reads).toEqual([0, saved?.offset]);
    expect(await services.imports.preview("t", code)).toMatchObject({ ok: true, value: { totalRows: rows } });
  });

  it("has no preview to show until its job says the file was read: a start cannot come too early", async () => {
    const { services, stores, code } = await landed({ start: false }, { ImportSliceSeconds: "3600" });
    await services.imports.fileArrived("t", code);
    const writePreview = stores.files.writePreview.bind(stores.files);
    let whileWritten: unknown;
    stores.files.writePreview = async (tenant, job, preview) => {
      await writePreview(tenant, job, preview);
      whileWritten = await services.imports.preview(tenant, job);
    };
    const message = stores.queue.take()!;
    expect(await services.runSlice(message)).toBe("finished");
    expect(whileWritten).toMatchObject({ ok: false, refused: "conflict" });
    expect(await services.imports.preview("t", code)).toMatchObject({ ok: true, value: { totalRows: rows } });
  });

  it("whose reading is queued twice (another file put to its URL meanwhile) imports nothing until it is started", async () => {
    const { services, stores, code, drain } = await landed({ start: false }, { ImportSliceSeconds: "3600" });
    await services.imports.fileArrived("t", code);
    await services.imports.fileArrived("t", code);
    expect(stores.queue.waiting).toHaveLength(2);
    await drain();
    expect(await services.imports.status("t", code)).toMatchObject({
      value: { status: "Queued", totalItems: rows, createdCount: 0, errorCount: 0 },
    });
    expect(stores.clients.tenants.get("t")?.size ?? 0).toBe(0);
    expect(
      await services.imports.start("t", code, {
        mappingCode: null,
        matchField: null,
        columnMappings: mapping,
        options: { ...defaultImportOptions, defaultClientType: "PrivateLimitedCompany" },
      }),
    ).toMatchObject({ ok: true });
    await drain();
    expect(await services.imports.status("t", code)).toMatchObject({
      value: { status: "Completed", createdCount: rows, errorCount: 0 },
    });
  });

  it("stops being read once its job is cancelled, and leaves no preview", async () => {
    const { services, stores, code } = await landed({ start: false });
    await services.imports.fileArrived("t", code);
    expect(await services.runSlice(stores.queue.take()!)).toBe("continue");
    await services.jobQueue.send("t", code);
    expect(await services.imports.cancel("t", code)).toMatchObject({ ok: true, value: { status: "Cancelled" } });
    expect(await services.runSlice(stores.queue.take()!)).toBe("notRunnable");
    expect(await services.imports.preview("t", code)).toEqual({
      ok: false,
      refused: "conflict",
      detail: `Import ${code} ended (Cancelled) before its file was read`,
    });
  });

  it("whose reading dies again and again, moving on each time, is not failed for it, nor is the import after it", async () => {
    const { services, stores, code, advance, drain } = await landed({ start: true });
    await services.imports.fileArrived("t", code);
    for (let death = 1; death <= 5; death++) {
      const message = stores.queue.take()!;
      await services.jobQueue.taken(message.tenant, message.code, message.messageId);
      // The slice saves its reading and stops; its worker dies before the continuation is sent.
      expect(await services.runSlice(message)).toBe("continue");
      advance(6 * 60_000);
      expect(await services.watchdog.sweep()).toEqual({ requeued: [code], failed: [] });
    }
    const stalled = (await stores.jobs.get("t", code))!;
    expect(stalled).toMatchObject({ stalls: 1, stalledAt: stalled.pendingUpload!.readTo });
    await drain();
    expect(await stores.jobs.get("t", code)).toMatchObject({ status: "Completed", stalls: 0, stalledAt: null });
  });

  it("whose reading message was lost is queued again by the watchdog once it has been silent an hour", async () => {
    const { services, stores, code, advance, drain } = await landed({ start: false });
    await services.imports.fileArrived("t", code);
    // Taken by nobody: gone from a queue cleared by hand, say. Its job waits an hour before the queue is asked.
    stores.queue.take();
    advance(60 * 60_000 - 1);
    expect(await services.watchdog.sweep()).toEqual({ requeued: [], failed: [] });
    advance(1);
    expect(await services.watchdog.sweep()).toEqual({ requeued: [code], failed: [] });
    await drain();
    expect(await services.imports.preview("t", code)).toMatchObject({ ok: true, value: { totalRows: rows } });
  });
});
