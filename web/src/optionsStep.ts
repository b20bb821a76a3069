import { DateFormat, ImportMode } from "./apiTypes.js";
import { byId, element } from "./dom.js";
import { showApiError } from "./errorSummary.js";
import { uploadFile } from "./fileStep.js";
import { session } from "./session.js";
import { Step, Wizard } from "./wizard.js";

const matchHints: Record<ImportMode, string> = {
  CreateAndUpdate: "A row whose value here equals a client's updates that client; other rows add clients.",
  CreateOnly: "A row whose value here equals a client's is skipped as already there.",
  UpdateOnly: "A row whose value here equals a client's updates it; other rows are skipped.",
};

/** Mode, match field, default client type and date format, then "Check first" or "Start import". */
export const optionsStep: Step = {
  name: "options",
  setup(wizard) {
    const matchField = byId<HTMLSelectElement>("match-field");
    matchField.replaceChildren(
      ...wizard.settings.matchFields.map((f) => element("option", { value: f.value }, f.label)),
    );
    byId<HTMLSelectElement>("default-type").replaceChildren(
      element("option", { value: "" }, "None: skip new clients without a type"),
      ...wizard.settings.clientTypes.map((t) => element("option", { value: t.value }, t.label)),
    );
    for (const radio of document.querySelectorAll<HTMLInputElement>("input[name=importMode]"))
      radio.addEventListener("change", () => showMatchHint());
    byId("options-form").addEventListener("submit", (event) => {
      event.preventDefault();
      void start(wizard, false);
    });
    byId("check-first").addEventListener("click", () => void start(wizard, true));
  },
  enter(wizard) {
    const { importMode, matchField, defaultClientType, dateFormat } = wizard.options;
    checkRadio("importMode", importMode);
    checkRadio("dateFormat", dateFormat);
    byId<HTMLSelectElement>("match-field").value = matchField;
    byId<HTMLSelectElement>("default-type").value = defaultClientType ?? "";
    showMatchHint();
    const suggested = wizard.preview?.suggestedDateFormat ?? null;
    const hint = byId("date-format-hint");
    hint.hidden = suggested === null;
    hint.textContent =
      suggested === null
        ? ""
        : `Chosen from the file: its dates put the ${suggested === "MDY" ? "month" : "day"} first.`;
  },
};

function checkRadio(name: string, value: string): void {
  for (const radio of document.querySelectorAll<HTMLInputElement>(`input[name=${name}]`))
    radio.checked = radio.value === value;
}

function checkedRadio(name: string): string {
  return document.querySelector<HTMLInputElement>(`input[name=${name}]:checked`)!.value;
}

function showMatchHint(): void {
  const mode = checkedRadio("importMode") as ImportMode;
  byId("match-field-hint").textContent = matchHints[mode];
}

/** Starts the import (or the check) of the previewed file with the mapping and the options on the form. */
async function start(wizard: Wizard, validateOnly: boolean): Promise<void> {
  wizard.options = {
    importMode: checkedRadio("importMode") as ImportMode,
    matchField: byId<HTMLSelectElement>("match-field").value,
    defaultClientType: byId<HTMLSelectElement>("default-type").value || null,
    dateFormat: checkedRadio("dateFormat") as DateFormat,
    validateOnly,
  };
  const preview = wizard.preview!;
  const jobStarted = wizard.job?.code === preview.code && wizard.job.confirmedDate !== null;
  if (jobStarted) {
    // This file was checked already: a job runs once, so it is sent again as a new import.
    if (wizard.file) return uploadFile(wizard, wizard.file, { mapping: wizard.mapping, options: wizard.options });
    return wizard.startOver({
      mapping: wizard.mapping,
      options: wizard.options,
      sameFile: { headerRow: wizard.headerRow },
    });
  }
  const buttons = [byId<HTMLButtonElement>("start-import"), byId<HTMLButtonElement>("check-first")];
  buttons.forEach((b) => (b.disabled = true));
  try {
    wizard.job = await wizard.signedIn.start(preview.code, wizard.mapping, wizard.options);
  } catch (error) {
    return showApiError(error, (field) => {
      if (field === "matchField") return byId("match-field");
      if (field === "defaultClientType") return byId("default-type");
      return undefined;
    });
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
  session.follow(wizard.job.code);
  session.startedWith(wizard.job.code, {
    mapping: wizard.mapping,
    options: wizard.options,
    headerRow: wizard.headerRow,
  });
  await wizard.go("progress");
}
