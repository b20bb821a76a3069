import fs from "node:fs";
import path from "node:path";
import { parseArgs, ParseArgsConfig } from "node:util";

import { clientTypes, parseClientType } from "../shared/clients/clientType";
import { dateFormats } from "../shared/clients/dateFormat";
import { matchFields } from "../shared/clients/targetFields";
import { importModes, ImportStatus, importStatuses } from "../shared/imports/importJob";
import { CliError, exitCodes } from "./exitCodes";
import { ProgressStyle, progressStyleFor } from "./progressReporter";
import { Connection } from "./serviceClient";

export const defaultUrl = "http://localhost:7071/api";

/** Flags every command takes. */
export const commonOptions = {
  url: { type: "string" },
  tenant: { type: "string" },
  "api-key-file": { type: "string" },
  json: { type: "boolean" },
  progress: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

/** Flags of the commands that upload a file. */
export const uploadOptions = {
  resume: { type: "boolean" },
  again: { type: "boolean" },
  "header-row": { type: "string" },
} as const satisfies ParseArgsConfig["options"];

/**
 * `--again`: a job of its own for the same file and options. Not with `--resume`, which finds the upload that
 * broke off by the key the same command made before.
 */
export function againOf(values: { again?: boolean; resume?: boolean }): boolean {
  if (values.again && values.resume)
    throw new CliError(
      exitCodes.usage,
      "--again and --resume do not go together: --resume continues the upload the same command began, --again begins another",
    );
  return values.again === true;
}

/** `--header-row yes|no`: whether the file's first line is its header; null (not given) lets the service detect it. */
export function headerRowOf(value: string | undefined): boolean | null {
  return value === undefined ? null : choice("header-row", value, ["yes", "no"]) === "yes";
}

/** Flags of the commands that start an import. */
export const startOptions = {
  mapping: { type: "string" },
  map: { type: "string", multiple: true },
  mode: { type: "string" },
  match: { type: "string" },
  "default-type": { type: "string" },
  "date-format": { type: "string" },
  check: { type: "boolean" },
} as const satisfies ParseArgsConfig["options"];

/** Parses a command's arguments; anything unknown or malformed is a usage error (64). */
export function parseCommand<O extends ParseArgsConfig["options"]>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...commonOptions, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(exitCodes.usage, (error as Error).message);
  }
}

/**
 * Where and as whom: `--url` or CLIENT_IMPORT_URL (the local host by default), `--tenant` or
 * CLIENT_IMPORT_TENANT, and the key from CLIENT_IMPORT_API_KEY or a file (`--api-key-file` or
 * CLIENT_IMPORT_API_KEY_FILE), never from a flag: flags end up in shell history and process lists.
 */
export function connectionOf(values: { url?: string; tenant?: string; "api-key-file"?: string }): Connection {
  const env = process.env;
  const tenant = values.tenant ?? env.CLIENT_IMPORT_TENANT;
  if (!tenant) throw new CliError(exitCodes.usage, "No tenant: pass --tenant or set CLIENT_IMPORT_TENANT");
  const keyFile = values["api-key-file"] ?? env.CLIENT_IMPORT_API_KEY_FILE;
  // Trimmed as a key file is: a key pasted with its line end cannot be sent as a header.
  let apiKey = env.CLIENT_IMPORT_API_KEY?.trim();
  if (keyFile) {
    try {
      apiKey = fs.readFileSync(keyFile, "utf8").trim();
    } catch (error) {
      throw new CliError(exitCodes.fileUnreadable, `Cannot read the key file ${keyFile}: ${(error as Error).message}`);
    }
  }
  if (!apiKey)
    throw new CliError(
      exitCodes.notAuthorised,
      "No API key: set CLIENT_IMPORT_API_KEY, or name a file holding it with --api-key-file or CLIENT_IMPORT_API_KEY_FILE",
    );
  const url = values.url ?? env.CLIENT_IMPORT_URL ?? defaultUrl;
  if (!URL.canParse(url) || !["http:", "https:"].includes(new URL(url).protocol))
    throw new CliError(exitCodes.usage, `The service URL must be an http(s) URL such as ${defaultUrl}, not '${url}'`);
  return { url, tenant, apiKey };
}

export function progressStyleOf(values: { progress?: string }): ProgressStyle {
  if (values.progress !== undefined && !["json", "auto"].includes(values.progress))
    throw new CliError(exitCodes.usage, `--progress takes json or auto, not '${values.progress}'`);
  return progressStyleFor(process.stderr, values.progress);
}

/** The one positional argument a command needs, such as a file or a job code. */
export function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1)
    throw new CliError(
      exitCodes.usage,
      `Give exactly one ${what}${positionals.length > 1 ? `, not ${positionals.length}` : ""}`,
    );
  return positionals[0];
}

/** A value from a fixed list, given in any case and with or without spaces, dashes or underscores. */
function choice<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  const key = (text: string) => text.toLowerCase().replace(/[\s_-]/g, "");
  const found = allowed.find((a) => key(a) === key(value));
  if (!found) throw new CliError(exitCodes.usage, `--${flag} takes one of ${allowed.join(", ")}; not '${value}'`);
  return found;
}

export interface StartFlags {
  mappingCode: string | null;
  /** `Header=Field` pairs, in order. */
  columnMappings: { csvHeader: string; targetField: string }[] | null;
  options: {
    importMode?: string;
    matchField?: string;
    defaultClientType?: string;
    dateFormat?: string;
    validateOnly: boolean;
  };
}

/** The start of an import as the flags ask for it; `--mapping` and `--map` exclude each other. */
export function startFlagsOf(values: {
  mapping?: string;
  map?: string[];
  mode?: string;
  match?: string;
  "default-type"?: string;
  "date-format"?: string;
  check?: boolean;
}): StartFlags {
  if (values.mapping && values.map?.length) throw new CliError(exitCodes.usage, "Give --mapping or --map, not both");
  return {
    mappingCode: values.mapping ?? null,
    columnMappings: values.map ? mapPairsOf(values.map) : null,
    options: {
      ...(values.mode && { importMode: choice("mode", values.mode, importModes) }),
      ...(values.match && { matchField: matchFieldOf(values.match) }),
      ...(values["default-type"] && { defaultClientType: clientTypeOf(values["default-type"]) }),
      ...(values["date-format"] && { dateFormat: choice("date-format", values["date-format"], dateFormats) }),
      validateOnly: values.check ?? false,
    },
  };
}

/** `--timeout` in seconds, or no limit. */
export function timeoutOf(value: string | undefined): number | null {
  if (value === undefined) return null;
  const seconds = Number(value);
  if (!(seconds > 0)) throw new CliError(exitCodes.usage, `--timeout takes a number of seconds, not '${value}'`);
  return seconds * 1000;
}

/**
 * `--out`: a file in a folder that exists, and no folder itself. Told before any import starts: found wrong only
 * once the file is saved, the import's result would be lost to the command.
 */
export function outFileOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const folder = path.dirname(path.resolve(value));
  if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory())
    throw new CliError(exitCodes.usage, `--out names a file in ${folder}, which is no folder here`);
  if (fs.statSync(value, { throwIfNoEntry: false })?.isDirectory())
    throw new CliError(exitCodes.usage, `--out names a folder (${value}), not a file`);
  return value;
}

/** `list --status`: one of the job statuses, in any case; null when not given. */
export function statusOf(value: string | undefined): ImportStatus | null {
  return value === undefined ? null : choice("status", value, importStatuses);
}

/** `list --top`: how many jobs, 1 to 200 as the service takes; 20 when not given. */
export function topOf(value: string | undefined): number {
  if (value === undefined) return 20;
  const top = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(top >= 1 && top <= 200))
    throw new CliError(exitCodes.usage, `--top takes a number from 1 to 200, not '${value}'`);
  return top;
}

/** `--map "Header=Field"` pairs, in order. */
export function mapPairsOf(pairs: string[]): { csvHeader: string; targetField: string }[] {
  return pairs.map((pair) => {
    const at = pair.lastIndexOf("=");
    if (at <= 0 || at === pair.length - 1)
      throw new CliError(exitCodes.usage, `--map takes "Header=Field", not '${pair}'`);
    return { csvHeader: pair.slice(0, at), targetField: pair.slice(at + 1).trim() };
  });
}

/** `--default-type`, read as a type cell is ("Ltd", "sole trader", "LLP"), or exit 64 listing the types. */
function clientTypeOf(value: string): string {
  const type = parseClientType(value);
  if (!type)
    throw new CliError(exitCodes.usage, `--default-type takes one of ${clientTypes.join(", ")}; not '${value}'`);
  return type;
}

/** `--match`, one of the match fields. */
export function matchFieldOf(value: string): string {
  return choice("match", value, matchFields);
}
