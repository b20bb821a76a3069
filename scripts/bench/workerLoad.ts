import { ChildProcess, spawn } from "node:child_process";
import { setImmediate as yieldToLoop, setTimeout as sleep } from "node:timers/promises";

import { ClientIndex, fieldsToIndex } from "../../shared/clients/clientIndex";
import { clientEntity } from "../../shared/clients/tableClientStore";
import { TargetField } from "../../shared/clients/targetFields";
import { readCsvBatches } from "../../shared/csv/csvRecordReader";
import { resolveMapping } from "../../shared/imports/resolvedMapping";
import { decideRow } from "../../shared/imports/rowDecision";
import { processCpuSeconds } from "./benchHost";
import { clientFile, clientFileHeader } from "./clientFile";

/**
 * A process that works as an import's worker does, without the store: it decides rows of the bench's file and
 * makes their entities' JSON, keeping a few chunks' worth alive, for `share` of one processor (its collector's
 * threads counted). On our two cores Azurite and the worker share the processors, so the store's best with
 * this load beside it is the most an import could get from this machine; on Azure the store has its own.
 */
const rowsPerSlice = 200;
const chunksKept = 5;

async function runLoad(share: number): Promise<void> {
  const rows = 20_000;
  const records: string[][] = [];
  for await (const batch of readCsvBatches(clientFile(rows), 0, ",", 5_000)) records.push(...batch.records);
  const headers = records.shift()!;
  const columns = resolveMapping(
    clientFileHeader.split(",").map((h) => ({ csvHeader: h, targetField: h as TargetField })),
    headers,
  );
  const options = {
    importMode: "CreateOnly",
    matchField: "Code",
    defaultClientType: null,
    dateFormat: "DMY",
    validateOnly: false,
  } as const;
  const kept: string[][] = [];
  let index = new ClientIndex(fieldsToIndex("Code"));
  let next = 0;
  const started = { cpu: process.cpuUsage(), at: performance.now() };
  process.stdout.write("ready\n");
  for (;;) {
    const { user, system } = process.cpuUsage(started.cpu);
    const due = share * (performance.now() - started.at) * 1000;
    if (user + system >= due) {
      await sleep(2);
      continue;
    }
    const at = new Date().toISOString();
    const chunk: string[] = [];
    for (let i = 0; i < rowsPerSlice; i++, next++) {
      // The file over again into a fresh index, so every row is created as the first time.
      if (next === records.length) [next, index] = [0, new ClientIndex(fieldsToIndex("Code"))];
      const outcome = decideRow(records[next], {
        columns,
        headerCount: headers.length,
        options,
        index,
        fileCodes: null,
        at,
      });
      if (outcome.kind === "created") chunk.push(clientEntity("load", outcome.write).json);
    }
    kept.push(chunk);
    if (kept.length > (chunksKept * 5_000) / rowsPerSlice) kept.shift();
    await yieldToLoop();
  }
}

/**
 * Runs `work` while a load process (started with the worker's `nodeArguments`) keeps `share` of a processor busy;
 * gives the share it really took meanwhile.
 */
export async function besideWorkerLoad<T>(
  share: number,
  nodeArguments: string[],
  work: () => Promise<T>,
): Promise<{ result: T; share: number }> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArguments, __filename, String(share)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
      child.once("exit", (code) => reject(new Error(`the worker load exited with ${code}`)));
    });
    const before = { cpu: processCpuSeconds(child.pid!), at: Date.now() };
    const result = await work();
    return { result, share: (processCpuSeconds(child.pid!) - before.cpu) / ((Date.now() - before.at) / 1000) };
  } finally {
    child.removeAllListeners("exit");
    child.kill();
  }
}

if (require.main === module) void runLoad(Number(process.argv[2]));
