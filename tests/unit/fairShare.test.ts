import { describe, expect, it } from "vitest";

import { parseConfirmImportRequest } from "../../shared/imports/confirmImportRequest";
import { FairShare } from "../../shared/imports/fairShare";
import { ImportJob } from "../../shared/imports/importJob";
import { WaitingMessage } from "../../shared/imports/importQueue";
import { memoryServices } from "../support/memoryStores";

/** A queue whose peeks answer only when the test says, with what the test puts in it. */
class PeekedQueue {
  waiting: WaitingMessage[] = [];
  fails = false;
  peeks = 0;
  private answers: (() => void)[] = [];

  peekWaiting(): Promise<WaitingMessage[]> {
    this.peeks++;
    const seen = [...this.waiting];
    const fails = this.fails;
    return new Promise((resolve, reject) =>
      this.answers.push(() => (fails ? reject(new Error("503 Server Busy")) : resolve(seen))),
    );
  }

  /** Answers the peeks asked so far, and lets their answers land. */
  async answer(): Promise<void> {
    for (const answer of this.answers.splice(0)) answer();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const waiting = (messageId: string, tenant: string): WaitingMessage => ({ messageId, tenant, code: `job-${tenant}` });

/** Jobs by code, each with its rows left (null: not counted yet). */
function jobsLeft(left: Map<string, number | null>) {
  return {
    get: async (_tenant: string, code: string) =>
      left.has(code)
        ? ({ totalItems: left.get(code), checkpoint: { counts: { processed: 0 } } } as unknown as ImportJob)
        : null,
  };
}

describe("a slice's fair share", () => {
  function slice(tenant = "a") {
    const queue = new PeekedQueue();
    const held = new Set<string>();
    const left = new Map<string, number | null>();
    let now = 1_000;
    const fair = new FairShare(queue, { isHeld: async (t) => held.has(t) }, jobsLeft(left), 20_000, () => now);
    const share = fair.slice(tenant);
    return { queue, held, left, share, at: (ms: number) => (now = 1_000 + ms) };
  }

  /** Peeks at each of `times` (ms into the slice), the slice going at `rowsPerSecond`; whether it is spent after each. */
  async function peeksAt(one: ReturnType<typeof slice>, times: number[], rowsPerSecond: number): Promise<boolean[]> {
    const spent: boolean[] = [];
    for (const ms of times) {
      one.at(ms);
      one.share.spent(rowsPerSecond);
      await one.queue.answer();
      spent.push(one.share.spent(rowsPerSecond));
    }
    return spent;
  }

  it("is spent from a quarter share on for an import whose rows left it would do within a quarter share", async () => {
    const one = slice();
    one.queue.waiting = [waiting("m1", "b")];
    one.left.set("job-b", 5_000);
    one.at(4_999);
    expect(one.share.spent(1_000)).toBe(false);
    expect(one.queue.peeks).toBe(0);
    // 5,000 rows at the slice's 1,000 a second: 5 s, a quarter share. Seen in two peeks, as any.
    expect(await peeksAt(one, [5_000, 10_000], 1_000)).toEqual([false, true]);
  });

  it("expects to give way from the first sight of an import it would give way to, until the next peek", async () => {
    const one = slice();
    one.queue.waiting = [waiting("m1", "b"), waiting("m2", "c")];
    one.left.set("job-b", 50_000);
    one.left.set("job-c", 5_000);
    expect(await peeksAt(one, [5_000], 1_000)).toEqual([false]);
    // b's import is too long to be given way to before the share; c's is not.
    expect(one.share.expectsToGiveWay).toBe(true);
    expect(await peeksAt(one, [10_000], 1_000)).toEqual([true]);
  });

  it("expects to give way at most once a share: an import taken elsewhere leaves the slice at its pace", async () => {
    const one = slice();
    for (const code of ["job-b", "job-c", "job-d"]) one.left.set(code, 5_000);
    const expects: boolean[] = [];
    for (const [ms, tenant] of [
      [5_000, "b"],
      [10_000, null],
      [15_000, "c"],
      [25_000, "d"],
    ] as const) {
      one.queue.waiting = tenant ? [waiting(`m-${tenant}`, tenant)] : [];
      await peeksAt(one, [ms], 1_000);
      expects.push(one.share.expectsToGiveWay);
    }
    expect(expects).toEqual([true, false, false, true]);
  });

  it("is spent for a longer import, or one not counted yet, only once the share has passed", async () => {
    for (const rowsLeft of [5_001, null]) {
      const one = slice();
      one.queue.waiting = [waiting("m1", "b")];
      one.left.set("job-b", rowsLeft);
      expect(await peeksAt(one, [5_000, 10_000, 15_000, 20_000], 1_000)).toEqual([false, false, false, true]);
    }
  });

  it("is spent only once the share has passed when the slice does not say its pace (a landed file's reading)", async () => {
    const one = slice();
    one.queue.waiting = [waiting("m1", "b")];
    one.left.set("job-b", 1);
    one.at(15_000);
    expect(one.share.spent()).toBe(false);
    expect(one.queue.peeks).toBe(0);
  });

  it("is not spent, and the queue not asked, before the share has passed", () => {
    const { queue, share, at } = slice();
    queue.waiting = [waiting("m1", "b")];
    at(19_999);
    expect(share.spent()).toBe(false);
    expect(queue.peeks).toBe(0);
  });

  it("is spent once the same message of another tenant is seen waiting in two peeks a quarter share apart", async () => {
    const { queue, share, at } = slice();
    queue.waiting = [waiting("m1", "b")];
    at(20_000);
    expect(share.spent()).toBe(false);
    await queue.answer();
    // Seen once: a new instance may be about to take it.
    expect(share.spent()).toBe(false);
    at(24_999);
    expect(share.spent()).toBe(false);
    expect(queue.peeks).toBe(1);
    at(25_000);
    expect(share.spent()).toBe(false);
    await queue.answer();
    expect(share.spent()).toBe(true);
  });

  it("is not spent for the slice's own tenant's imports, which wait for its lease, nor for one taken meanwhile", async () => {
    const { queue, share, at } = slice("a");
    queue.waiting = [waiting("m1", "a"), waiting("m2", "b")];
    at(20_000);
    share.spent();
    await queue.answer();
    // m2 was taken by another worker; m3 is new, and m1 is the slice's own tenant's.
    queue.waiting = [waiting("m1", "a"), waiting("m3", "c")];
    at(25_000);
    share.spent();
    await queue.answer();
    expect(share.spent()).toBe(false);
    at(30_000);
    share.spent();
    await queue.answer();
    expect(share.spent()).toBe(true);
  });

  it("is not spent for an import whose tenant another import holds, which could not run in the slice's place", async () => {
    const { queue, held, share, at } = slice("a");
    queue.waiting = [waiting("m1", "b")];
    held.add("b");
    at(20_000);
    share.spent();
    await queue.answer();
    at(25_000);
    share.spent();
    await queue.answer();
    expect(share.spent()).toBe(false);
    // The first import of b ended: its second, still waiting, could run now.
    held.delete("b");
    at(30_000);
    share.spent();
    await queue.answer();
    expect(share.spent()).toBe(true);
  });

  it("asks the queue once at a time, and a peek that fails sees nobody waiting", async () => {
    const { queue, share, at } = slice();
    queue.waiting = [waiting("m1", "b")];
    at(20_000);
    share.spent();
    await queue.answer();
    queue.fails = true;
    at(25_000);
    share.spent();
    at(40_000);
    share.spent();
    expect(queue.peeks).toBe(2);
    await queue.answer();
    queue.fails = false;
    // The failed peek saw nobody; the next, due at once, finds m1 still waiting since the peek before it.
    expect(share.spent()).toBe(false);
    await queue.answer();
    expect(share.spent()).toBe(true);
  });
});

describe("slices of one process", () => {
  it("give way once for each waiting message: one place frees it; again if it still waits a share later", async () => {
    const queue = new PeekedQueue();
    let now = 0;
    const fair = new FairShare(queue, { isHeld: async () => false }, jobsLeft(new Map()), 20_000, () => now);
    const slices = [fair.slice("a"), fair.slice("b"), fair.slice("c")];
    queue.waiting = [waiting("m1", "x")];
    const peekTwice = async () => {
      for (const step of [20_000, 5_000]) {
        now += step;
        for (const slice of slices) slice.spent();
        await queue.answer();
      }
    };

    await peekTwice();
    expect(slices.map((slice) => slice.spent())).toEqual([true, false, false]);
    // A second import waiting frees a second place; the first, still there a share on, a third.
    queue.waiting = [waiting("m1", "x"), waiting("m2", "y")];
    await peekTwice();
    expect(slices.map((slice) => slice.spent())).toEqual([true, true, true]);
  });
});

describe("imports of several tenants on one worker", () => {
  const rows = 30_000;
  const file = (tenant: string) =>
    "Code,Name,Type\r\n" +
    Array.from({ length: rows }, (_, i) => `${tenant.toUpperCase()}${i},Client ${i} of ${tenant},Ltd\r\n`).join("");
  const mapping = ["Code", "Name", "Type"].map((f) => ({ csvHeader: f, targetField: f }));

  /** Uploads and starts an import of `tenant`'s file; its message waits in the queue. */
  async function started(services: ReturnType<typeof memoryServices>["services"], tenant: string) {
    const upload = await services.imports.upload(
      tenant,
      { fileName: "clients.csv", body: [Buffer.from(file(tenant))] },
      async () => ({ ok: true, value: { hasHeaderRow: null, start: null } }),
      null,
    );
    if (!upload.ok || !("previewed" in upload.value)) throw new Error("upload refused");
    const { code } = upload.value.previewed;
    const request = parseConfirmImportRequest({ columnMappings: mapping });
    if (!request.ok || !(await services.imports.start(tenant, code, request.value)).ok) throw new Error("not started");
    return code;
  }

  /** Runs the queue one slice at a time, in its order, as one worker would; which tenant each slice was of. */
  async function drained({ stores, services }: ReturnType<typeof memoryServices>): Promise<string[]> {
    const slices: string[] = [];
    for (let message = stores.queue.take(); message; message = stores.queue.take()) {
      slices.push(message.tenant);
      const outcome = await services.runSlice(message);
      if (outcome === "continue" || outcome === "tenantBusy")
        await services.jobQueue.send(message.tenant, message.code);
    }
    return slices;
  }

  it("take turns once a slice has had its share, and each ends as it would alone", async () => {
    const memory = memoryServices({ ImportShareSeconds: "0.001", StartWaitSeconds: "0" });
    const codes = new Map<string, string>();
    for (const tenant of ["a", "b", "c"]) codes.set(tenant, await started(memory.services, tenant));

    const slices = await drained(memory);

    // Each slice gave way to the imports queued behind it: they went round in turns.
    expect(slices.slice(0, 6)).toEqual(["a", "b", "c", "a", "b", "c"]);
    for (const [tenant, code] of codes) {
      expect(await memory.services.jobs.get(tenant, code)).toMatchObject({
        status: "Completed",
        checkpoint: { counts: { processed: rows, created: rows, updated: 0, error: 0 } },
      });
      expect(memory.stores.clients.tenants.get(tenant)?.size).toBe(rows);
    }
  });

  it("do not give way to the same tenant's next import, which waits for the tenant anyway", async () => {
    const memory = memoryServices({ ImportShareSeconds: "0.001", StartWaitSeconds: "0" });
    await started(memory.services, "a");
    await started(memory.services, "a");

    expect(await drained(memory)).toEqual(["a", "a"]);
  });
});
