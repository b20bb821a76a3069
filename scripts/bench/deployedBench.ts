import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { TableClientStore } from "../../shared/clients/tableClientStore";
import { TableImportJobStore } from "../../shared/imports/tableImportJobStore";
import { storageLayout } from "../../shared/storage/storageLayout";
import { TableApiKeyStore } from "../../shared/tenants/tableApiKeyStore";
import { errorMessage } from "../../shared/util/errorMessage";
import { settingsStorage } from "../settingsStorage";
import { importThroughApi, text } from "./apiImport";
import { clientFile } from "./clientFile";
import { engineSeconds, jobTimes, millisecondsAt, perSecond } from "./figures";
import { describeBehindLong, smallBehindLong } from "./smallBehindLong";
import {
  describeWay,
  fromFirstRows,
  inFileOrder,
  storedClients,
  storeRates,
  writeWays,
  yardstickEntities,
} from "./storeYardstick";

/**
 * `npm run bench:deployed -- --url <the app's /api> [--rows N] [--tenants N]`: issue 15's bars measured on a
 * running app, where the local bench cannot see them: Azure's store, workers and host, none sharing our two
 * cores. Through the app's API: CreateOnly of `--rows` new clients into a tenant of its own, then the store's
 * best `create` way for the same entities (written straight into tables of its own, deleted after), then
 * `--tenants` imports of a tenth as many rows each at once, with every job's status calls and the store's own
 * point read of each job meanwhile, then a 1,000-row import started behind two of 3 x `--rows` rows in two other
 * tenants (how long it waits for its first slice). Storage is the app's `AzureWebJobsStorage` (as `npm run keys`
 * finds it): the bench mints a key per tenant and revokes it at the end. It writes its clients into tenants named
 * `bench<run>-...` of that store and leaves them there: run it against a deployment made for measuring.
 */
const argument = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const url = argument("url")?.replace(/\/$/, "");
const rows = Number(argument("rows") ?? 100_000);
const tenantCount = Number(argument("tenants") ?? 10);

async function main(): Promise<void> {
  if (!url || !(rows > 0) || !(tenantCount > 0))
    throw new Error(
      "Usage: npm run bench:deployed -- --url https://<app>.azurewebsites.net/api [--rows N] [--tenants N]",
    );
  const storage = await settingsStorage(
    path.resolve(__dirname, "..", "..", ".."),
    "to mint keys and measure the store in",
  );
  const keys = new TableApiKeyStore(storage.table(storageLayout.tables.apiKeys));
  const jobs = new TableImportJobStore(storage.table(storageLayout.tables.importJobs));
  const store = new TableClientStore(storage.table(storageLayout.tables.clients));
  const run = `bench${Date.now().toString(36)}`;
  const minted: string[] = [];
  const keyFor = async (tenant: string) => {
    const { info, key } = await keys.create(tenant);
    minted.push(info.keyId);
    return key;
  };
  const api = { url, output: () => "" };
  console.log(`Run ${run} against ${url}`);
  try {
    const tenant = `${run}-one`;
    const one = await importThroughApi(api, await keyFor(tenant), tenant, await text(clientFile(rows)), {
      importMode: "CreateOnly",
    });
    const rate = rows / one.seconds;
    console.log(
      `CreateOnly ${rows} rows: ${perSecond(rate)} (${one.seconds.toFixed(1)} s upload to Completed, engine ${engineSeconds(one.job).toFixed(1)} s), ` +
        // No status calls ("-") when the job ended before the first poll could find it: the upload answered Completed.
        `longest progress gap ${one.progressGap.toFixed(1)} s (bar 2.0); its poller's status p50 ${millisecondsAt(one.statusMs, 0.5)} ms, p99 ${millisecondsAt(one.statusMs, 0.99)} ms`,
    );

    const rates = await storeRates(
      storage,
      yardstickEntities(await storedClients(store, tenant)),
      writeWays.filter((way) => way.action === "create"),
      { tablePrefix: `${run}way` },
    );
    console.log(
      `  against the store's best for the same entities (${describeWay(rates[0])}): ratio ${(rate / rates[0].entitiesPerSecond).toFixed(2)} (bar 0.80); ` +
        `${fromFirstRows(one.fromFirstRows, rates[0])}; ${inFileOrder(rate, rates)}; the ways, fastest first: ${rates.map(describeWay).join("; ")}`,
    );

    const each = Math.max(1_000, Math.round(rows / 10));
    const csv = await text(clientFile(each));
    const alone = await importThroughApi(api, await keyFor(`${run}-alone`), `${run}-alone`, csv, {
      importMode: "CreateOnly",
    });
    const tenants = Array.from({ length: tenantCount }, (_, i) => `${run}-many${i}`);
    const tenantKeys = await Promise.all(tenants.map(keyFor));
    const storeReadMs: number[] = [];
    let running = true;
    const codes = new Map<string, string>();
    // The store's own read of each job meanwhile: what of a slow status answer is the store's.
    const storeReader = (async () => {
      while (running) {
        for (const [tenant, code] of codes) {
          const reading = performance.now();
          // A failed read is not a figure; the imports, which the bench is about, go on.
          if (await jobs.get(tenant, code).catch(() => false)) storeReadMs.push(performance.now() - reading);
        }
        await sleep(250);
      }
    })();
    const started = Date.now();
    const many = await Promise.all(
      tenants.map((tenant, i) =>
        importThroughApi(api, tenantKeys[i], tenant, csv, {
          importMode: "CreateOnly",
          onQueued: (code) => codes.set(tenant, code),
        }),
      ),
    );
    const seconds = (Date.now() - started) / 1000;
    running = false;
    await storeReader;
    const aloneRate = each / alone.seconds;
    const totalRate = (each * tenants.length) / seconds;
    const statusMs = many.flatMap((job) => job.statusMs);
    console.log(
      `${tenants.length} tenants at once, ${each} rows each: ${perSecond(totalRate)} in all against ${perSecond(aloneRate)} for one alone, ` +
        `ratio ${(totalRate / aloneRate).toFixed(2)} (bar 1.00); ${jobTimes(many)}, ` +
        `longest progress gap ${Math.max(...many.map((job) => job.progressGap)).toFixed(1)} s (bar 2.0); meanwhile status p50 ` +
        `${millisecondsAt(statusMs, 0.5)} ms, p99 ${millisecondsAt(statusMs, 0.99)} ms (bar 50 ms; the store's read of a job alone ` +
        `p99 ${millisecondsAt(storeReadMs, 0.99)} ms)`,
    );

    const longRows = rows * 3;
    const turn = await smallBehindLong(
      api,
      `${run}-`,
      keyFor,
      await text(clientFile(longRows)),
      longRows,
      await text(clientFile(1_000)),
    );
    console.log(
      `A 1,000-row import behind two of ${longRows} rows in other tenants: it ${describeBehindLong(turn)} ` +
        "(one host gives it a slice within about a share, 20 s; on Azure an instance of its own should take it at once)",
    );
  } finally {
    // A revoke that fails is said, not thrown: the run's own error, if any, is the one to see.
    const kept = (
      await Promise.all(
        minted.map((keyId) =>
          keys.revoke(keyId).then(
            () => null,
            () => keyId,
          ),
        ),
      )
    ).filter((keyId) => keyId !== null);
    if (kept.length > 0)
      console.log(`Could not revoke keys ${kept.join(", ")}: revoke them with npm run keys -- revoke <key id>.`);
    else if (minted.length > 0)
      console.log(
        `The keys minted are revoked; any clients imported into tenants ${run}-* of the app's store stay there.`,
      );
  }
}

main().catch((error) => {
  // fetch says only "fetch failed"; what failed (a refused connection, a name not found) is its cause.
  const cause = error instanceof Error && error.cause !== undefined ? ` (${errorMessage(error.cause)})` : "";
  process.stderr.write(`bench:deployed failed: ${errorMessage(error)}${cause}\n`);
  process.exit(1);
});
