import { ClientIndex } from "../clients/clientIndex";
import { compareKey } from "../clients/clientKeys";
import { ClientWrite } from "../clients/clientStore";
import { ClientValues, maxLengthOf, uniqueFields } from "../clients/targetFields";
import { readCell } from "../clients/valueRules";
import { cellValue } from "../csv/cellValue";
import { FileCodes } from "./fileCodes";
import { ImportOptions } from "./importJob";
import { MappedColumn } from "./resolvedMapping";
import { totalsRowLabel } from "./totalsRow";

export type RowOutcome =
  | { kind: "created"; write: ClientWrite }
  | { kind: "updated"; write: ClientWrite }
  | { kind: "skipped"; reason: string }
  | { kind: "error"; reason: string };

export interface RowContext {
  columns: MappedColumn[];
  headerCount: number;
  options: ImportOptions;
  index: ClientIndex;
  /** The codes the file gives, which generated codes avoid; null until a row without a code needs them. */
  fileCodes: FileCodes | null;
  at: string;
}

const quoted = (value: string) => `'${value.length > 100 ? `${value.slice(0, 100)}…` : value}'`;

/**
 * Decides one data row (spec 3.2 and 3.3) against the tenant's clients as they stand after every earlier row,
 * and records its effect in the index so the next row sees it.
 */
export function decideRow(cells: string[], context: RowContext): RowOutcome {
  const { columns, options, index } = context;
  const total = totalsRowLabel(cells);
  if (total !== null) return { kind: "skipped", reason: `A totals row (${quoted(total)}), not a client` };
  const problems: string[] = [];
  if (hasExtraCells(cells, context.headerCount))
    problems.push(`Row has ${cells.length} cells but the header has ${context.headerCount}`);

  const values: ClientValues = {};
  for (const { column, header, field, kind } of columns) {
    const text = cellValue(cells[column]);
    if (text === "") continue;
    const limit = maxLengthOf(field);
    if (text.length > limit) {
      problems.push(
        `Column '${header}' is ${text.length.toLocaleString("en-GB")} characters long; ${field} takes at most ${limit.toLocaleString("en-GB")}`,
      );
      continue;
    }
    const reading = readCell(kind, text, options.dateFormat);
    if (reading.ok) values[field] = reading.value;
    else problems.push(`Column '${header}': ${quoted(text)} ${reading.rule}`);
  }
  if (problems.length > 0) {
    if (values.Name === undefined && !columns.some((c) => c.field === "Name" && cellValue(cells[c.column]) !== ""))
      problems.push("Missing required field: Name");
    return { kind: "error", reason: problems.join("; ") };
  }
  if (values.Name === undefined) return { kind: "skipped", reason: "Missing required field: Name" };

  const matchValue = values[options.matchField];
  const matches = typeof matchValue === "string" ? index.find(options.matchField, matchValue) : [];
  if (matches.length > 1) {
    return {
      kind: "error",
      reason: `${matches.length} clients match ${options.matchField} ${quoted(String(matchValue))}; match on a unique field instead`,
    };
  }
  const match = matches[0];
  if (!match) {
    if (typeof values.Code === "string") {
      const sameNumber = index.sameNumberCode(values.Code);
      if (sameNumber !== null) return { kind: "error", reason: otherZerosReason(values.Code, sameNumber) };
    }
    if (options.importMode === "UpdateOnly") {
      const reason =
        matchValue === undefined
          ? `No matching client: the row has no ${options.matchField}`
          : `No matching client for ${options.matchField} ${quoted(String(matchValue))}`;
      return { kind: "skipped", reason };
    }
    return create(values as ClientValues & { Name: string }, context);
  }
  if (options.importMode === "CreateOnly")
    return { kind: "skipped", reason: `Client already exists (code ${quoted(match)})` };
  return update(match, values, context);
}

function create(values: ClientValues & { Name: string }, { options, index, fileCodes, at }: RowContext): RowOutcome {
  const type = values.Type ?? options.defaultClientType ?? undefined;
  if (type === undefined)
    return {
      kind: "skipped",
      reason: "Missing required field: Type (the row has none and no defaultClientType was given)",
    };
  const code = typeof values.Code === "string" ? values.Code : uniqueCodeFor(values.Name, index, fileCodes);
  // A generated code is one no client has: only the row's own values can conflict.
  const conflict = uniquenessConflict(values, null, index);
  if (conflict) return { kind: "error", reason: conflict };
  const write: ClientWrite = {
    kind: "create",
    values: { ...values, Code: code, Type: type, Status: values.Status ?? "Active" },
    at,
  };
  index.recordWrite(write);
  return { kind: "created", write };
}

function update(match: string, values: ClientValues, { index, at }: RowContext): RowOutcome {
  if (typeof values.Code === "string" && compareKey(values.Code) !== compareKey(match)) {
    return {
      kind: "error",
      reason: `An update cannot change a client's Code (${quoted(values.Code)} given for client ${quoted(match)})`,
    };
  }
  const conflict = uniquenessConflict(values, match, index);
  if (conflict) return { kind: "error", reason: conflict };
  const changes = { ...values };
  delete changes.Code;
  const write: ClientWrite = { kind: "update", code: match, values: changes, at };
  index.recordWrite(write);
  return { kind: "updated", write };
}

/**
 * Why a row whose code is a client's code with other leading zeros is refused rather than taken as a new client:
 * a file saved by a spreadsheet that took the codes for numbers would otherwise make a second of each client.
 */
function otherZerosReason(code: string, client: string): string {
  return compareKey(code).length < compareKey(client).length
    ? `Code ${quoted(code)} is client ${quoted(client)}'s code without its leading zeros, as a spreadsheet saves a code it took for a number: format the column as text and save the file again, or write ${quoted(client)}`
    : `Code ${quoted(code)} is client ${quoted(client)}'s code with leading zeros added: write ${quoted(client)} to import into that client`;
}

/** Whether cells past the header's hold anything: a trailing empty cell is only a spreadsheet's extra comma. */
function hasExtraCells(cells: string[], headerCount: number): boolean {
  for (let i = headerCount; i < cells.length; i++) if (cellValue(cells[i]) !== "") return true;
  return false;
}

/** The reason a row would give a unique value to a second client, or null. */
function uniquenessConflict(values: ClientValues, self: string | null, index: ClientIndex): string | null {
  for (const field of uniqueFields) {
    const value = values[field];
    if (typeof value !== "string") continue;
    const holder = index.find(field, value).find((code) => self === null || compareKey(code) !== compareKey(self));
    if (holder) return `${field} ${quoted(value)} is already used by client ${quoted(holder)}`;
  }
  return null;
}

/** Latin letters with no decomposition to drop an accent from, as they are written without one. */
const latinLetters: Record<string, string> = { Ø: "O", Æ: "AE", Œ: "OE", Ł: "L", Đ: "D", Ð: "D", Þ: "TH" };

/**
 * A code for a new client that has none: the first letters and digits of its name (accents dropped), made unique
 * among the clients and the codes the file gives, so no later row's code names this client.
 */
function uniqueCodeFor(name: string, index: ClientIndex, fileCodes: FileCodes | null): string {
  const base =
    name
      .normalize("NFD")
      .toUpperCase()
      .replace(/[ØÆŒŁĐÐÞ]/g, (letter) => latinLetters[letter])
      .replace(/[^A-Z0-9]/g, "")
      .slice(0, 8) || "CLIENT";
  return index.unusedCode(base, fileCodes ?? undefined);
}
