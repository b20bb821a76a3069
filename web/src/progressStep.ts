import { ApiError } from "./apiError.js";
import { finalStatuses, ImportJob } from "./apiTypes.js";
import { countList } from "./countList.js";
import { byId } from "./dom.js";
import { showApiError } from "./errorSummary.js";
import { session } from "./session.js";
import { Step, Wizard } from "./wizard.js";
import { count, stalledWords } from "./words.js";

const announceEveryMs = 5_000;
const defaultWaitSeconds = 2;
const retryAfterTroubleMs = 5_000;

/** The followed job; polling stops when the user leaves the step or another job is followed. */
let followed: string | null = null;

/** A running import: a progress bar and counts that move, paced by Retry-After, with Cancel. */
export const progressStep: Step = {
  name: "progress",
  setup(wizard) {
    byId("leave-progress").addEventListener("click", () => {
      followed = null;
      wizard.startOver();
    });
    byId("cancel-import").addEventListener("click", () => void cancel(wizard));
  },
  enter(wizard) {
    const job = wizard.job!;
    followed = job.code;
    byId<HTMLButtonElement>("cancel-import").disabled = false;
    render(job, true);
    void follow(wizard, job.code);
  },
};

async function follow(wizard: Wizard, code: string): Promise<void> {
  let lastAnnounced = Date.now();
  for (;;) {
    let job: ImportJob;
    let waitSeconds: number;
    try {
      const answer = await wizard.signedIn.job(code);
      job = answer.body;
      waitSeconds = answer.retryAfterSeconds ?? defaultWaitSeconds;
    } catch (error) {
      if (followed !== code) return;
      // A dropped connection or a busy service is not the end of the import: keep asking, more slowly.
      if (error instanceof ApiError && (error.status === 0 || error.status >= 500)) {
        byId("import-progress-text").textContent = "Cannot reach the service just now; trying again…";
        await new Promise((resolve) => setTimeout(resolve, retryAfterTroubleMs));
        continue;
      }
      showApiError(error);
      return;
    }
    if (followed !== code || byId("step-progress").hidden) return;
    wizard.job = job;
    if (finalStatuses.includes(job.status)) {
      followed = null;
      session.follow(null);
      await wizard.go("result", { replace: true });
      return;
    }
    if (render(job, Date.now() - lastAnnounced >= announceEveryMs)) lastAnnounced = Date.now();
    await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
  }
}

/** Shows the job; says where it stands when `announce` is set, or when it has just stood still. Tells if it said. */
function render(job: ImportJob, announce: boolean): boolean {
  const verb = job.validateOnly ? "Checking" : "Importing";
  byId("progress-title").textContent = `${verb} ${job.fileName}`;
  byId("progress-file").textContent = job.validateOnly
    ? "A check reads every row and counts what would happen; no client is changed."
    : "";
  const bar = byId<HTMLProgressElement>("import-progress");
  let words: string;
  if (job.totalItems === null || job.startedDate === null) {
    bar.removeAttribute("value");
    words = job.confirmedDate === null ? "Waiting for the file" : "Waiting to start";
  } else {
    bar.max = Math.max(job.totalItems, 1);
    bar.value = job.processedItems;
    words = `${count(job.processedItems)} of ${count(job.totalItems)} rows done`;
    // A big tenant's first import reads every stored client before its first row: minutes with the rows standing.
    if (job.existingClientsRead !== null)
      words += `. Reading the clients already stored, to match rows against: ${count(job.existingClientsRead)} so far`;
  }
  bar.setAttribute("aria-valuetext", words);
  byId("import-progress-text").textContent = words;
  const stalled = byId("progress-stalled");
  const stalledNow = job.stalledSince === null ? "" : stalledWords(job.stalledSince);
  // Said once as it appears, not with every announcement of the rows.
  const newlyStalled = stalledNow !== "" && stalled.hidden;
  stalled.textContent = stalledNow;
  stalled.hidden = stalledNow === "";
  byId("progress-counts").replaceChildren(...countList(job));
  if (newlyStalled) byId("announcer").textContent = stalledNow;
  else if (announce) byId("announcer").textContent = `${verb}: ${words}`;
  return newlyStalled || announce;
}

async function cancel(wizard: Wizard): Promise<void> {
  const code = wizard.job!.code;
  byId<HTMLButtonElement>("cancel-import").disabled = true;
  try {
    await wizard.signedIn.cancel(code);
  } catch (error) {
    byId<HTMLButtonElement>("cancel-import").disabled = false;
    return showApiError(error);
  }
  byId("announcer").textContent =
    "Cancelling: the import stops after the rows it is working on. Rows already imported stay.";
}
