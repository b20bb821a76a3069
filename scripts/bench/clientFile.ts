import { Readable } from "node:stream";

import { clientTemplateExample } from "../../shared/clients/clientTemplate";
import { targetFields } from "../../shared/clients/targetFields";
import { formatCsvRecord } from "../../shared/csv/csvWriter";

export const clientFileHeader =
  "Code,Name,Type,Email,Telephone,CompanyNumber,IncorporationDate,RegisteredAddressLine1,RegisteredAddressPostCode";

/** A realistic client row (about 140 bytes): the same `i` always gives the same row. */
function clientRow(i: number): string {
  return `CL${String(i).padStart(7, "0")},Client Number ${i} Limited,Ltd,accounts${i}@client${i % 997}.example,0161 ${String(100000 + (i % 900000))},${String(i % 10_000_000).padStart(8, "0")},${1 + (i % 28)}/${1 + (i % 12)}/20${String(i % 24).padStart(2, "0")},"${i} High Street, Unit ${i % 50}",M${1 + (i % 9)} ${1 + (i % 9)}AB`;
}

/** A CSV of `rows` client rows (from `first`), generated as it is read, so its size costs no memory. */
export function clientFile(rows: number, first = 0): Readable {
  return generatedCsv(clientFileHeader, rows, (n) => clientRow(first + n));
}

export const wideClientFileHeader = formatCsvRecord(targetFields, ",");

/**
 * A CSV with every one of the 67 client fields (about 1,000 bytes a row): the import template's example row,
 * its unique fields made unique per row.
 */
export function wideClientFile(rows: number): Readable {
  const example = clientTemplateExample();
  const at = (field: string) => targetFields.indexOf(field as (typeof targetFields)[number]);
  return generatedCsv(wideClientFileHeader, rows, (i) => {
    const values = [...example];
    values[at("Code")] = `WD${String(i).padStart(7, "0")}`;
    values[at("Name")] = `Wide Client ${i} Limited`;
    values[at("CompanyNumber")] = String(i).padStart(8, "0");
    values[at("NiNumber")] =
      `Q${"ABCEGHJKLMNPRSTWXYZ"[Math.floor(i / 1_000_000) % 19]}${String(i % 1_000_000).padStart(6, "0")}A`;
    values[at("Email")] = `accounts${i}@wide.example`;
    return formatCsvRecord(values, ",");
  });
}

function generatedCsv(header: string, rows: number, row: (i: number) => string): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (i === 0) this.push(`${header}\r\n`);
      let chunk = "";
      for (let n = 0; n < 2_000 && i < rows; n++, i++) chunk += `${row(i)}\r\n`;
      this.push(chunk === "" ? null : chunk);
    },
  });
}
