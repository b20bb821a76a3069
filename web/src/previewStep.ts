import { UploadPreview } from "./apiTypes.js";
import { byId, element } from "./dom.js";
import { showApiError } from "./errorSummary.js";
import { Step, Wizard } from "./wizard.js";
import { count, plural } from "./words.js";

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
    byId("preview-header-row").addEventListener("change", () => void readAgain(wizard));
  },
  enter(wizard) {
    show(wizard.preview!);
  },
};

function show(preview: UploadPreview): void {
  byId<HTMLInputElement>("preview-header-row").checked = preview.hasHeaderRow;
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
}

/**
 * Uploads the file again, saying whether its first row is the header as the checkbox now does, and shows that
 * preview in place; the first preview's job, never to be started, is cancelled. Focus stays on the checkbox.
 */
async function readAgain(wizard: Wizard): Promise<void> {
  const checkbox = byId<HTMLInputElement>("preview-header-row");
  const announcer = byId("announcer");
  const file = wizard.file;
  const before = wizard.preview!;
  if (!file) return;
  // A change while the file is read again is undone: the checkbox keeps the focus, which disabling it would drop.
  if (checkbox.getAttribute("aria-disabled") === "true") {
    checkbox.checked = !checkbox.checked;
    return;
  }
  const hasHeaderRow = checkbox.checked;
  checkbox.setAttribute("aria-disabled", "true");
  announcer.textContent = `Reading ${file.name} again`;
  byId("preview-summary").textContent = `Reading ${file.name} again…`;
  try {
    const uploaded = await wizard.signedIn.upload(
      file,
      hasHeaderRow,
      null,
      () => undefined,
      () => undefined,
    );
    if (!("preview" in uploaded)) return;
    wizard.headerRow = hasHeaderRow;
    wizard.preview = uploaded.preview;
    // A preview nobody starts would wait for retention to cancel it.
    await wizard.signedIn.cancel(before.code).catch(() => undefined);
    show(uploaded.preview);
    announcer.textContent = `${file.name} read again, ${uploaded.preview.hasHeaderRow ? "with" : "without"} a header row: ${count(uploaded.preview.totalRows)} rows, ${plural(uploaded.preview.headers.length, "column")}`;
  } catch (error) {
    show(before);
    announcer.textContent = "";
    showApiError(error, () => checkbox);
  } finally {
    checkbox.removeAttribute("aria-disabled");
  }
}

function detectedWords(preview: UploadPreview): string {
  const { encoding, delimiter } = preview.detected;
  const header = preview.hasHeaderRow ? "a header row" : "no header row (columns are numbered)";
  return `${plural(preview.totalRows, "row")} to import, ${encodings[encoding] ?? encoding}, ${delimiters[delimiter] ?? delimiter} between columns, ${header}`;
}
