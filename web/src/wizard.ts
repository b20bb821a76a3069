import { ColumnMapping, ImportJob, ImportOptions, PageSettings, UploadPreview } from "./apiTypes.js";
import { byId } from "./dom.js";
import { clearErrors } from "./errorSummary.js";
import { ImportApi } from "./importApi.js";

export type StepName = "sign-in" | "file" | "preview" | "map" | "options" | "progress" | "result";

/** One screen of the flow: `setup` wires its controls once, `enter` fills it each time it is shown. */
export interface Step {
  name: StepName;
  setup(wizard: Wizard): void;
  enter(wizard: Wizard): void | Promise<void>;
}

/**
 * What a finished or checked job hands to the next file chosen: the fixed file ("Import the fixed file"), whose
 * header row is found again (the not-imported file always has one), or the same file chosen again to import it
 * for real (`sameFile`), read as the user said it was.
 */
export interface CarriedSettings {
  mapping: ColumnMapping[];
  options: ImportOptions;
  sameFile?: { headerRow: boolean | null };
}

/** What the flow carries from step to step. */
export class Wizard {
  api: ImportApi | null = null;
  /** The file chosen, kept so a checked file can be imported for real without choosing it again. */
  file: File | null = null;
  /** Whether the file's first row is its header, as the user said on its preview; null: the service detects it. */
  headerRow: boolean | null = null;
  preview: UploadPreview | null = null;
  mapping: ColumnMapping[] = [];
  options: ImportOptions;
  /** A mapping and options carried to the next file: the fixed one, or the same one chosen again. */
  carried: CarriedSettings | null = null;
  job: ImportJob | null = null;
  private readonly steps = new Map<StepName, Step>();
  private readonly history: StepName[] = [];

  constructor(
    readonly settings: PageSettings,
    steps: Step[],
  ) {
    this.options = defaultOptions();
    for (const step of steps) {
      this.steps.set(step.name, step);
      step.setup(this);
    }
    for (const back of document.querySelectorAll<HTMLButtonElement>("[data-back]"))
      back.addEventListener("click", () => this.back());
  }

  get signedIn(): ImportApi {
    if (!this.api) throw new Error("Not signed in");
    return this.api;
  }

  /** Shows a step and moves focus to its heading, so keyboard and screen reader users start at its top. */
  async go(name: StepName, options: { replace?: boolean } = {}): Promise<void> {
    if (options.replace || this.history.at(-1) === name) this.history.pop();
    if (name === "file" || name === "sign-in") this.history.length = 0;
    this.history.push(name);
    clearErrors();
    byId("announcer").textContent = "";
    for (const section of document.querySelectorAll<HTMLElement>("[data-step-section]"))
      section.hidden = section.id !== `step-${name}`;
    const list = byId("steps");
    list.hidden = name === "sign-in";
    for (const item of list.querySelectorAll("li")) {
      if (item.dataset.step === name) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
    }
    await this.steps.get(name)!.enter(this);
    // Unless the user has already moved into the step while it was filling.
    if (!byId(`step-${name}`).contains(document.activeElement)) byId(`${name}-title`).focus();
  }

  /**
   * Takes a new file's preview; where its first rows write dates in one order only, that order becomes the
   * date format: a file whose dates put the month first, imported day first, has the dates that read either way
   * stored with day and month swapped.
   */
  previewed(preview: UploadPreview): void {
    this.preview = preview;
    if (preview.suggestedDateFormat) this.options = { ...this.options, dateFormat: preview.suggestedDateFormat };
  }

  /** Back to the step before this one. */
  back(): void {
    this.history.pop();
    void this.go(this.history.pop() ?? "file");
  }

  /** Starts over with a new file, forgetting the last one's preview and mapping. */
  startOver(carry: CarriedSettings | null = null): void {
    this.file = null;
    this.preview = null;
    this.mapping = [];
    this.job = null;
    this.carried = carry;
    this.options = carry ? { ...carry.options, validateOnly: false } : defaultOptions();
    void this.go("file");
  }
}

function defaultOptions(): ImportOptions {
  return {
    importMode: "CreateAndUpdate",
    matchField: "Code",
    defaultClientType: null,
    dateFormat: "DMY",
    validateOnly: false,
  };
}
