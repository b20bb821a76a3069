import { UploadPreview } from "./apiTypes.js";
import { byId, element } from "./dom.js";
import { Step } from "./wizard.js";
import { plural } from "./words.js";

const encodings: Record<string, string> = {
  "utf-8": "UTF-8",
  "utf-16le": "UTF-16",
  "utf-16be": "UTF-16 (big-endian)",
  "windows-1252": "Windows-1252 (Excel on Windows)",
};
const delimiters: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe" };

/** What the service made of the file: encoding, delimiter, header row, rows, warnings, and the first rows. */
export const previewStep: Step = {
  name: "preview",
  setup(wizard) {
    byId("preview-next").addEventListener("click", () => void wizard.go("map"));
  },
  enter(wizard) {
    const preview = wizard.preview!;
    byId("preview-summary").textContent = `${preview.fileName}: ${detectedWords(preview)}.`;
    byId("preview-warnings").replaceChildren(...preview.warnings.map((warning) => element("li", {}, warning)));
    const table = byId<HTMLTableElement>("preview-table");
    byId("preview-caption").textContent = `First ${plural(preview.previewRows.length, "row")} of ${preview.fileName}`;
    table.tHead!.replaceChildren(
      element("tr", {}, ...preview.headers.map((header) => element("th", { scope: "col" }, header))),
    );
    table.tBodies[0].replaceChildren(
      ...preview.previewRows.map((row) =>
        element("tr", {}, ...preview.headers.map((header) => element("td", {}, row[header] ?? ""))),
      ),
    );
  },
};

function detectedWords(preview: UploadPreview): string {
  const { encoding, delimiter } = preview.detected;
  const header = preview.hasHeaderRow ? "a header row" : "no header row (columns are numbered)";
  return `${plural(preview.totalRows, "row")} to import, ${encodings[encoding] ?? encoding}, ${delimiters[delimiter] ?? delimiter} between columns, ${header}`;
}
