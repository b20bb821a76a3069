import { describe, expect, it } from "vitest";

import { BackgroundSave } from "../../shared/imports/backgroundSave";
import { ImportJob } from "../../shared/imports/importJob";

/** A save that answers when the test says. */
function saves() {
  const pending: { answer: (job: ImportJob | null) => void; fail: (error: Error) => void }[] = [];
  const save = () =>
    new Promise<ImportJob | null>((answer, fail) => {
      pending.push({ answer, fail });
    });
  return { save, pending };
}

const job = { code: "J1", cancelRequested: true } as ImportJob;

describe("a progress save beside the work", () => {
  it("sends one save at a time: one asked for meanwhile goes once it lands; each answer is given once", async () => {
    const { save, pending } = saves();
    const progress = new BackgroundSave(save);
    progress.start();
    progress.start();
    progress.start();
    expect(pending).toHaveLength(1);
    expect(progress.takeAnswer()).toBeNull();
    pending[0].answer(job);
    await new Promise((resolve) => setImmediate(resolve));
    expect(pending).toHaveLength(2);
    expect(progress.takeAnswer()).toEqual({ job });
    expect(progress.takeAnswer()).toBeNull();
    pending[1].answer(null);
    await progress.settle();
    expect(pending).toHaveLength(2);
    expect(progress.takeAnswer()).toEqual({ job: null });
  });

  it("throws a failed save's error when its answer is taken or it is settled, never unhandled", async () => {
    const { save, pending } = saves();
    const progress = new BackgroundSave(save);
    progress.start();
    pending[0].fail(new Error("storage said no"));
    await expect(progress.settle()).rejects.toThrow("storage said no");
    expect(() => progress.takeAnswer()).toThrow("storage said no");
  });
});
