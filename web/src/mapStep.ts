import { ApiError } from "./apiError.js";
import { SavedMapping, UploadPreview } from "./apiTypes.js";
import { byId, element } from "./dom.js";
import { clearErrors, showApiError, showErrors } from "./errorSummary.js";
import { Step, Wizard } from "./wizard.js";

/** Where a column's target came from; shown beside suggestions, which the user should confirm. */
type Origin = "exact" | "suggested" | "kept" | "chosen";

const originWords: Partial<Record<Origin, string>> = {
  exact: "Exact match",
  suggested: "Suggested",
  kept: "From the last import",
};

let columns: { header: string; mappable: boolean; origin: Origin | null }[] = [];
let mappedPreview: string | null = null;
let saved: SavedMapping[] = [];

/** One line per column of the file: its name, sample values, and the client field it goes into. */
export const mapStep: Step = {
  name: "map",
  setup(wizard) {
    byId("apply-mapping").addEventListener("click", () => applySaved(wizard));
    byId("save-mapping").addEventListener("click", () => void saveMapping(wizard));
    byId("map-next").addEventListener("click", () => {
      const name = wizard.settings.targetFields.find((field) => field.required)!;
      if (!wizard.mapping.some((m) => m.targetField === name.value))
        return showErrors([
          {
            message: `Choose the column that holds the ${name.label.toLowerCase()}: every client needs one`,
            field: byId("map-0"),
          },
        ]);
      void wizard.go("options");
    });
  },
  async enter(wizard) {
    const preview = wizard.preview!;
    if (mappedPreview !== preview.code) {
      mappedPreview = preview.code;
      startMapping(wizard, preview);
    }
    render(wizard);
    await loadSaved(wizard);
  },
};

function startMapping(wizard: Wizard, preview: UploadPreview): void {
  const seen = new Set<string>();
  columns = preview.headers.map((header) => {
    const mappable = header.trim() !== "" && !seen.has(header);
    seen.add(header);
    return { header, mappable, origin: null };
  });
  const carried = wizard.carried?.mapping.filter((m) => preview.headers.includes(m.csvHeader));
  const start = carried ?? preview.suggestedMappings;
  wizard.mapping = [];
  for (const mapping of start) {
    const exact = normalise(mapping.csvHeader) === normalise(mapping.targetField);
    setTarget(wizard, mapping.csvHeader, mapping.targetField, carried ? "kept" : exact ? "exact" : "suggested");
  }
}

function setTarget(wizard: Wizard, header: string, target: string, origin: Origin): void {
  wizard.mapping = wizard.mapping.filter((m) => m.csvHeader !== header && m.targetField !== target);
  const column = columns.find((c) => c.header === header && c.mappable);
  if (!column) return;
  column.origin = target ? origin : null;
  if (target) wizard.mapping.push({ csvHeader: header, targetField: target });
}

function render(wizard: Wizard): void {
  const preview = wizard.preview!;
  const targetOf = new Map(wizard.mapping.map((m) => [m.csvHeader, m.targetField]));
  const headerOf = new Map(wizard.mapping.map((m) => [m.targetField, m.csvHeader]));
  byId("mapping-list").replaceChildren(
    ...columns.map((column, i) => {
      const samples = [...new Set(preview.previewRows.map((row) => (row[column.header] ?? "").trim()).filter(Boolean))];
      const target = targetOf.get(column.header) ?? "";
      const select = element(
        "select",
        { id: `map-${i}`, "aria-describedby": `map-${i}-samples`, disabled: !column.mappable },
        element("option", { value: "" }, "Don't import"),
        ...wizard.settings.targetFields.map((field) => {
          const user = headerOf.get(field.value);
          const taken = user !== undefined && user !== column.header;
          return element(
            "option",
            { value: field.value, disabled: taken, selected: field.value === target },
            `${field.label}${field.required ? " (required)" : ""}${taken ? ` — used by "${user}"` : ""}`,
          );
        }),
      );
      select.addEventListener("change", () => {
        clearErrors();
        setTarget(wizard, column.header, select.value, "chosen");
        render(wizard);
        byId(`map-${i}`).focus();
      });
      const why = column.mappable
        ? samples.length > 0
          ? `For example: ${samples.slice(0, 3).join(", ")}`
          : "Empty in the first rows"
        : column.header.trim() === ""
          ? "This column has no name, so it cannot be imported"
          : `Another column is also called "${column.header}"; only the first one can be imported`;
      const badge = column.origin && originWords[column.origin];
      return element(
        "li",
        {},
        element(
          "div",
          {},
          element("label", { for: `map-${i}`, class: "source" }, column.header.trim() || `Column ${i + 1}`),
          element("p", { class: "samples", id: `map-${i}-samples` }, why),
        ),
        element("div", {}, select, ...(badge && target ? [element("span", { class: "badge" }, badge)] : [])),
      );
    }),
  );
  const required = wizard.settings.targetFields.filter((f) => f.required && !headerOf.has(f.value));
  byId("map-required").textContent = required
    .map((f) => `${f.label} is not matched yet: choose the column that holds it.`)
    .join(" ");
}

async function loadSaved(wizard: Wizard): Promise<void> {
  try {
    saved = await wizard.signedIn.mappings();
  } catch (error) {
    return showApiError(error);
  }
  const select = byId<HTMLSelectElement>("saved-mapping");
  const current = select.value;
  select.replaceChildren(
    element("option", { value: "" }, "Choose a saved mapping"),
    ...saved.map((m) =>
      element("option", { value: m.code, selected: m.code === current }, m.isPreset ? `${m.name} (preset)` : m.name),
    ),
  );
}

function applySaved(wizard: Wizard): void {
  const select = byId<HTMLSelectElement>("saved-mapping");
  const mapping = saved.find((m) => m.code === select.value);
  if (!mapping) return showErrors([{ message: "Choose a saved mapping to apply", field: select }]);
  clearErrors();
  wizard.mapping = [];
  for (const column of columns) column.origin = null;
  const found = mapping.columnMappings.filter((m) => columns.some((c) => c.header === m.csvHeader && c.mappable));
  for (const m of found) setTarget(wizard, m.csvHeader, m.targetField, "chosen");
  wizard.options = { ...wizard.options, matchField: mapping.matchField };
  render(wizard);
  const result = `Applied "${mapping.name}": ${found.length} of its ${mapping.columnMappings.length} columns are in this file.`;
  byId("saved-mapping-result").textContent = result;
  byId("announcer").textContent = result;
}

async function saveMapping(wizard: Wizard): Promise<void> {
  const input = byId<HTMLInputElement>("mapping-name");
  const name = input.value.trim();
  if (!name) return showErrors([{ message: "Enter a name for the mapping", field: input }]);
  if (wizard.mapping.length === 0)
    return showErrors([{ message: "Match at least one column before saving the mapping", field: byId("map-0") }]);
  try {
    const created = await wizard.signedIn.saveMapping(name, wizard.mapping, wizard.options.matchField);
    clearErrors();
    const result = `Saved as "${created.name}". It is in "Apply a saved mapping" from now on.`;
    byId("save-mapping-result").textContent = result;
    byId("announcer").textContent = result;
    input.value = "";
    await loadSaved(wizard);
  } catch (error) {
    if (error instanceof ApiError && error.status === 409)
      return showErrors([
        { message: `A saved mapping called "${name}" already exists. Choose another name`, field: input },
      ]);
    showApiError(error, () => input);
  }
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, "");
}
