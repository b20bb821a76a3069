import { formatCsvRecord } from "../csv/csvWriter";
import { ClientDto, dtoName } from "./clientDto";
import { targetFields } from "./targetFields";

/**
 * Clients as a CSV the import reads back to the same clients: every target field as a column under its own
 * name (so each maps exactly), values as the API gives them (dates `yyyy-mm-dd`, booleans `true`/`false`, types
 * and statuses by name), UTF-8 with a BOM and CRLF, as the not-imported file. Cells are written as stored, even
 * those starting with `=`: prefixing them would change the values a re-import writes back.
 */
export class ClientCsvExport {
  header(): string {
    return `\uFEFF${formatCsvRecord(targetFields, ",")}\r\n`;
  }

  rows(clients: readonly ClientDto[]): string {
    return clients
      .map((client) => {
        const cells = targetFields.map((field) => {
          const value = client[dtoName(field)];
          return value === null || value === undefined ? "" : String(value);
        });
        return `${formatCsvRecord(cells, ",")}\r\n`;
      })
      .join("");
  }
}
