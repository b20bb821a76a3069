import fs from "node:fs";

import { SavedMapping } from "../../shared/mappings/savedMapping";
import { connectionOf, mapPairsOf, matchFieldOf, onePositional, parseCommand } from "../commandLine";
import { CliError, exitCodes } from "../exitCodes";
import { help } from "../output";
import { ServiceClient } from "../serviceClient";

export const mappingsHelp = `client-import mappings list [--json]
client-import mappings show <code>
client-import mappings save --name <name> (--map "Header=Field"... | --from <file.json>) [--code <code>] [--match <field>]
client-import mappings delete <code>

The tenant's saved column mappings and the read-only presets. "save" creates a mapping, or replaces the one
--code names; --from reads a JSON list of {"csvHeader", "targetField"} (as "show" prints them).`;

export async function mappingsCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseCommand(rest, {
    name: { type: "string" },
    code: { type: "string" },
    map: { type: "string", multiple: true },
    from: { type: "string" },
    match: { type: "string" },
  });
  if (values.help || action === undefined || action === "--help" || action === "-h") return help(mappingsHelp);
  const client = new ServiceClient(connectionOf(values));
  const path = (code: string) => `/csv-mappings/${encodeURIComponent(code)}`;
  switch (action) {
    case "list": {
      const { items } = await client.ok<{ items: SavedMapping[] }>("GET", "/csv-mappings");
      if (values.json) process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
      else
        for (const m of items)
          process.stdout.write(
            `${m.code}  ${m.name}${m.isPreset ? " (preset)" : ""}  ${m.columnMappings.length} columns, match ${m.matchField}\n`,
          );
      return 0;
    }
    case "show": {
      const mapping = await client.ok<SavedMapping>("GET", path(onePositional(positionals, "mapping code")));
      process.stdout.write(`${JSON.stringify(values.json ? mapping : mapping.columnMappings, null, 2)}\n`);
      return 0;
    }
    case "save": {
      if (!values.name) throw new CliError(exitCodes.usage, "mappings save needs --name");
      const columnMappings = values.from ? readMappingFile(values.from) : values.map && mapPairsOf(values.map);
      if (!columnMappings?.length)
        throw new CliError(exitCodes.usage, 'mappings save needs --map "Header=Field" or --from <file.json>');
      const body = {
        name: values.name,
        columnMappings,
        ...(values.match && { matchField: matchFieldOf(values.match) }),
      };
      const saved = values.code
        ? await client.ok<SavedMapping>("PUT", path(values.code), body)
        : await client.ok<SavedMapping>("POST", "/csv-mappings", body);
      process.stdout.write(values.json ? `${JSON.stringify(saved, null, 2)}\n` : `${saved.code}\n`);
      return 0;
    }
    case "delete":
      await client.ok("DELETE", path(onePositional(positionals, "mapping code")));
      return 0;
    default:
      throw new CliError(exitCodes.usage, `mappings takes list, show, save or delete; not '${action}'`);
  }
}

function readMappingFile(file: string): { csvHeader: string; targetField: string }[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(exitCodes.fileUnreadable, `Cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as { csvHeader: string; targetField: string }[];
  } catch {
    throw new CliError(exitCodes.usage, `${file} is not JSON: give a list of {"csvHeader", "targetField"}`);
  }
}
