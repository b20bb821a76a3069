import fs from "node:fs";

import { ClientCsvExport } from "../../shared/clients/clientCsvExport";
import { ClientDto } from "../../shared/clients/clientDto";
import { connectionOf, outFileOf, parseCommand } from "../commandLine";
import { CliError, exitCodes } from "../exitCodes";
import { help } from "../output";
import { ServiceClient } from "../serviceClient";

export const clientsHelp = `client-import clients export [--out <file.csv>]

Writes the tenant's clients as CSV (to stdout, or --out) with the import's own column names, so the file
imports back, into this tenant or another, to the same clients.`;

export async function clientsCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseCommand(rest, { out: { type: "string" } });
  if (values.help || action === undefined || action === "--help" || action === "-h") return help(clientsHelp);
  if (action !== "export") throw new CliError(exitCodes.usage, `clients takes export; not '${action}'`);
  const target = outFileOf(values.out);
  const client = new ServiceClient(connectionOf(values));
  // A reader that stops early (`| head`) has all it wanted: no error of ours.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(exitCodes.ok);
  });
  const partial = target ? `${target}.part` : null;
  const out = partial ? fs.createWriteStream(partial) : process.stdout;
  const csv = new ClientCsvExport();
  const write = (text: string) =>
    new Promise<void>((resolve, reject) => out.write(text, (error) => (error ? reject(error) : resolve())));
  await write(csv.header());
  let token: string | null = null;
  let count = 0;
  do {
    const query = new URLSearchParams({ top: "200", ...(token && { continuationToken: token }) });
    const page: { items: ClientDto[]; continuationToken: string | null } = await client.ok(
      "GET",
      `/clients?${query.toString()}`,
    );
    await write(csv.rows(page.items));
    count += page.items.length;
    token = page.continuationToken;
  } while (token);
  if (partial && values.out) {
    await new Promise<void>((resolve) => (out as fs.WriteStream).end(resolve));
    fs.renameSync(partial, values.out);
  }
  const clients = `${count.toLocaleString("en-GB")} ${count === 1 ? "client" : "clients"}`;
  process.stderr.write(`Exported ${clients}${values.out ? ` to ${values.out}` : ""}\n`);
  return 0;
}
