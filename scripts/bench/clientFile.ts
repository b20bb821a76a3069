import { Readable } from "node:stream";

export const clientFileHeader =
  "Code,Name,Type,Email,Telephone,CompanyNumber,IncorporationDate,RegisteredAddressLine1,RegisteredAddressPostCode";

/** A realistic client row (about 140 bytes): the same `i` always gives the same row. */
function clientRow(i: number): string {
  return `CL${String(i).padStart(7, "0")},Client Number ${i} Limited,Ltd,accounts${i}@client${i % 997}.example,0161 ${String(100000 + (i % 900000))},${String(i % 10_000_000).padStart(8, "0")},${1 + (i % 28)}/${1 + (i % 12)}/20${String(i % 24).padStart(2, "0")},"${i} High Street, Unit ${i % 50}",M${1 + (i % 9)} ${1 + (i % 9)}AB`;
}

/** A CSV of `rows` client rows (from `first`), generated as it is read, so its size costs no memory. */
export function clientFile(rows: number, first = 0): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (i === 0) this.push(`${clientFileHeader}\r\n`);
      let chunk = "";
      for (let n = 0; n < 2_000 && i < rows; n++, i++) chunk += `${clientRow(first + i)}\r\n`;
      this.push(chunk === "" ? null : chunk);
    },
  });
}
