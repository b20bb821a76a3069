import { UploadPreview } from "./apiTypes.js";
import { byId, element } from "./dom.js";
import { clearErrors, showApiError } from "./errorSummary.js";
import { Step, Wizard } from "./wizard.js";
import { plural } from "./words.js";

const encodings: Record<string, string> = {
  "utf-8": "UTF-8",
  "utf-16le": "UTF-16",
  "utf-16be": "UTF-16 (big-endian)",
  "windows-1252": "Windows-1252 (Excel on Windows)",
  macintosh: "Mac Roman (Excel for Mac)",
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
    // A read again still on its way belongs to a page left since (signed out, started over): it touches nothing.
    endReading();
    // A preview reopened from the recent imports has no file here to read again.
    byId("preview-header-row-choice").hidden = !wizard.file;
    show(wizard.preview!, wizard.headerRow !== null);
  },
};

/** The read again under way, if any: only it may change the page. */
let reading: object | null = null;

function leavingButtons(): HTMLButtonElement[] {
  return [
    byId<HTMLButtonElement>("preview-next"),
    ...document.querySelectorAll<HTMLButtonElement>("#step-preview [data-back]"),
  ];
}

/** Ends the read again under way, as far as the page goes: the checkbox and the step's buttons work again. */
function endReading(): void {
  reading = null;
  byId("preview-header-row").removeAttribute("aria-disabled");
  for (const button of leavingButtons()) button.disabled = false;
}

/** Shows a preview; `told`: the header row is the user's answer, not what the service found. */
function show(preview: UploadPreview, told: boolean): void {
  byId<HTMLInputElement>("preview-header-row").checked = preview.hasHeaderRow;
  byId("preview-header-row-hint").textContent =
    `${told ? "As you said" : "Found from the file"}. If the columns below came out wrong, change it: the file is read again.`;
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
 * preview in place; the first preview's job, never to be started, is cancelled. Focus stays on the checkbox, and
 * the step cannot be left meanwhile: a preview read again behind the next steps would replace the one they use. A
 * read whose page was left (signed out, the step entered anew) changes nothing there, and its preview is cancelled.
 */
async function readAgain(wizard: Wizard): Promise<void> {
  const checkbox = byId<HTMLInputElement>("preview-header-row");
  const announcer = byId("announcer");
  const summary = byId("preview-summary");
  const file = wizard.file;
  const before = wizard.preview!;
  // A change while the file is read again is undone: the checkbox keeps the focus, which disabling it would drop.
  if (!file || reading) {
    checkbox.checked = !checkbox.checked;
    return;
  }
  clearErrors();
  const api = wizard.signedIn;
  const hasHeaderRow = checkbox.checked;
  const token = {};
  reading = token;
  const current = () => reading === token && wizard.api === api && !byId("step-preview").hidden;
  checkbox.setAttribute("aria-disabled", "true");
  for (const button of leavingButtons()) button.disabled = true;
  announcer.textContent = `Reading ${file.name} again`;
  summary.textContent = `Reading ${file.name} again…`;
  const progress = (loaded: number, total: number) => {
    if (current())
      summary.textContent = `Reading ${file.name} again… ${total > 0 ? Math.floor((loaded / total) * 100) : 0}% sent`;
  };
  try {
    const uploaded = await api.upload(file, hasHeaderRow, null, progress, () => undefined);
    if (!("preview" in uploaded)) return;
    if (!current()) {
      await api.cancel(uploaded.preview.code).catch(() => undefined);
      return;
    }
    wizard.headerRow = hasHeaderRow;
    wizard.previewed(uploaded.preview);
    // A preview nobody starts would wait for retention to cancel it.
    await api.cancel(before.code).catch(() => undefined);
    show(uploaded.preview, true);
    const { totalRows, headers } = uploaded.preview;
    announcer.textContent = `${file.name} read again, ${hasHeaderRow ? "with" : "without"} a header row: ${plural(totalRows, "row")}, ${plural(headers.length, "column")}`;
  } catch (error) {
    if (!current()) return;
    show(before, wizard.headerRow !== null);
    announcer.textContent = "";
    showApiError(error, () => checkbox);
  } finally {
    if (reading === token) endReading();
  }
}

function detectedWords(preview: UploadPreview): string {
  const { encoding, delimiter } = preview.detected;
  const header = preview.hasHeaderRow ? "a header row" : "no header row (columns are numbered)";
  return `${plural(preview.totalRows, "row")} to import, ${encodings[encoding] ?? encoding}, ${delimiters[delimiter] ?? delimiter} between columns, ${header}`;
}
