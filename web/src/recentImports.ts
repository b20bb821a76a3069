import { finalStatuses, ImportJob } from "./apiTypes.js";
import { byId, element } from "./dom.js";
import { showApiError } from "./errorSummary.js";
import { session } from "./session.js";
import { Wizard } from "./wizard.js";
import { count, dateTime, statusWords } from "./words.js";

/** The tenant's latest imports, each one reopening where it stands: its columns, its progress or its result. */
export async function showRecentImports(wizard: Wizard): Promise<void> {
  // What the list said before is gone at once: a job shown as running may have ended since.
  byId("recent-rows").replaceChildren();
  byId("recent-table").hidden = true;
  byId("recent-empty").hidden = true;
  let jobs: ImportJob[];
  try {
    jobs = await wizard.signedIn.listImports(10);
  } catch (error) {
    return showApiError(error);
  }
  byId("recent-empty").hidden = jobs.length > 0;
  byId("recent-table").hidden = jobs.length === 0;
  byId("recent-rows").replaceChildren(
    ...jobs.map((job) => {
      const open = element(
        "button",
        { type: "button" },
        "Open",
        element("span", { class: "visually-hidden" }, ` ${job.fileName}, ${dateTime(job.createdDate)}`),
      );
      open.addEventListener("click", () => void reopen(wizard, job));
      const rows = job.totalItems === null ? "" : `${count(job.processedItems)} of ${count(job.totalItems)}`;
      return element(
        "tr",
        {},
        element("td", {}, job.fileName),
        element("td", {}, dateTime(job.createdDate)),
        element("td", {}, statusWords(job)),
        element("td", {}, rows),
        element("td", {}, open),
      );
    }),
  );
}

async function reopen(wizard: Wizard, job: ImportJob): Promise<void> {
  wizard.file = null;
  wizard.carried = null;
  wizard.job = job;
  const settings = session.settingsOf(job.code);
  wizard.mapping = settings?.mapping ?? [];
  if (settings) wizard.options = settings.options;
  wizard.headerRow = settings?.headerRow ?? null;
  if (job.confirmedDate === null && job.status === "Queued") {
    try {
      wizard.preview = await wizard.signedIn.preview(job.code);
    } catch (error) {
      return showApiError(error);
    }
    // The preview says how its file was read: the same file chosen again later is read so, whatever the user said.
    wizard.headerRow = wizard.preview.hasHeaderRow;
    return wizard.go("preview");
  }
  if (finalStatuses.includes(job.status)) return wizard.go("result");
  session.follow(job.code);
  return wizard.go("progress");
}
