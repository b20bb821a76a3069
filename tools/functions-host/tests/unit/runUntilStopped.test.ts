import { spawn } from "node:child_process";
import path from "node:path";

import { describe, expect, it } from "vitest";

const built = path.resolve(__dirname, "..", "..", "dist", "runUntilStopped.js");

/**
 * Runs a service with two helpers, storage started first and a host started last, sends it Ctrl+C once it is
 * ready, and gives its output lines and exit code. `hostStop`, `storageStop`: how their stops behave; `again`: a
 * second Ctrl+C once the host's stop has begun; `graceMs`: how long the work in progress is waited for.
 */
async function stopWithCtrlC(
  hostStop: "prompt" | "never",
  storageStop: "prompt" | "never" = "prompt",
  { again = false, graceMs = 300 } = {},
): Promise<{ lines: string[]; code: number | null }> {
  const script = `
    const { runUntilStopped } = require(${JSON.stringify(built)});
    // What keeps a service running: a server, here a timer.
    const serving = setInterval(() => undefined, 60_000);
    void runUntilStopped(async (alsoStop) => {
      alsoStop(${storageStop === "prompt" ? `async () => (console.log("storage stopped"), clearInterval(serving))` : `() => new Promise(() => console.log("storage still closing"))`});
      alsoStop(${hostStop === "prompt" ? `async () => console.log("host stopped")` : `() => new Promise(() => console.log("host still working"))`});
      return { readyLine: "ready", stop: async () => undefined };
    }, ${graceMs});`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    if (output.startsWith("ready\n") && !child.killed) child.kill("SIGINT");
    if (again && output.includes("host still working") && !output.includes("Stopping now")) child.kill("SIGINT");
  });
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { lines: output.trim().split("\n"), code };
}

describe("runUntilStopped on Ctrl+C", () => {
  it("stops the helpers, last started first, and exits 0", async () => {
    expect(await stopWithCtrlC("prompt")).toEqual({
      lines: ["ready", "Stopping...", "host stopped", "storage stopped"],
      code: 0,
    });
  });

  it("still stops the helpers started before work that outlasts the grace, then exits 0", async () => {
    expect(await stopWithCtrlC("never")).toEqual({
      lines: [
        "ready",
        "Stopping...",
        "host still working",
        "Stopped without waiting longer for work in progress",
        "storage stopped",
      ],
      code: 0,
    });
  });

  it("stops the helpers at a second Ctrl+C without waiting out the grace for the work in progress", async () => {
    // Were the second Ctrl+C ignored, the grace would end the wait after 20 s with another line.
    expect(await stopWithCtrlC("never", "prompt", { again: true, graceMs: 20_000 })).toEqual({
      lines: [
        "ready",
        "Stopping...",
        "host still working",
        "Stopping now, without waiting for work in progress",
        "storage stopped",
      ],
      code: 0,
    });
  });

  it("exits 0 a grace later when a helper's stop does not end either", async () => {
    expect(await stopWithCtrlC("never", "never")).toEqual({
      lines: [
        "ready",
        "Stopping...",
        "host still working",
        "Stopped without waiting longer for work in progress",
        "storage still closing",
      ],
      code: 0,
    });
  });
});
