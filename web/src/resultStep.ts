import { ImportJob } from "./apiTypes.js";
import { countList } from "./countList.js";
import { byId, element } from "./dom.js";
import { showErrors } from "./errorSummary.js";
import { uploadFile } from "./fileStep.js";
import { firstReasons } from "./notImportedReasons.js";
import { Step } from "./wizard.js";
import { count, countsSentence, notImportedName, plural } from "./words.js";

const shownReasons = 10;

/** How the import ended: counts in words, the not-imported file, its first reasons, and what to do next. */
export const resultStep: Step = {
  name: "result",
  setup(wizard) {
    byId("new-import").addEventListener("click", () => wizard.startOver());
    byId("import-fixed").addEventListener("click", () =>
      wizard.startOver({ mapping: wizard.mapping, options: wizard.options }),
    );
    byId("import-for-real").addEventListener("click", () => {
      const options = { ...wizard.options, validateOnly: false };
      if (wizard.file) return void uploadFile(wizard, wizard.file, { mapping: wizard.mapping, options });
      wizard.startOver({ mapping: wizard.mapping, options, sameFile: { headerRow: wizard.headerRow } });
      showErrors([{ message: "Choose the file again to import it for real", field: byId("file") }]);
    });
  },
  async enter(wizard) {
    const job = wizard.job!;
    byId("result-title").textContent = title(job);
    byId("result-summary").textContent = summary(job);
    byId("result-counts").replaceChildren(...countList(job));
    const notImported = job.skippedCount + job.errorCount;
    const link = byId<HTMLAnchorElement>("not-imported-link");
    byId("result-download").hidden = !job.notImportedDownloadUrl;
    byId("result-reasons").hidden = true;
    const mappingKnown = wizard.mapping.length > 0;
    byId("import-for-real").hidden = !(job.validateOnly && job.status === "Completed" && mappingKnown);
    byId("import-fixed").hidden = !(notImported > 0 && job.status === "Completed" && mappingKnown);
    if (!job.notImportedDownloadUrl) return;
    const name = notImportedName(job.fileName);
    link.href = job.notImportedDownloadUrl;
    link.download = name;
    link.textContent = `Download the ${plural(notImported, "row")} not imported (${name})`;
    await showReasons(job.notImportedDownloadUrl, notImported);
  },
};

function title(job: ImportJob): string {
  if (job.status === "Failed") return job.validateOnly ? "Check failed" : "Import failed";
  if (job.status === "Cancelled") return job.validateOnly ? "Check cancelled" : "Import cancelled";
  return job.validateOnly ? `Check of ${job.fileName} finished` : `Import of ${job.fileName} finished`;
}

function summary(job: ImportJob): string {
  if (job.status === "Failed")
    return `${job.failureReason ?? "The import could not finish"}. Rows already imported stay imported.`;
  const nothingWritten = job.validateOnly ? "Nothing was written. " : "";
  if (job.status === "Cancelled")
    return `${nothingWritten}Cancelled after ${count(job.processedItems)} of ${count(job.totalItems ?? job.processedItems)} rows: ${countsSentence(job)}${job.validateOnly ? "" : " Rows imported before the cancel stay imported."}`;
  return `${nothingWritten}${countsSentence(job)}`;
}

async function showReasons(url: string, notImported: number): Promise<void> {
  let reasons;
  try {
    reasons = await firstReasons(url, shownReasons);
  } catch {
    return; // The download link still works; the reasons on the page are a convenience.
  }
  byId("reason-rows").replaceChildren(
    ...reasons.map(({ row, reason }) =>
      element("tr", {}, element("td", {}, row), element("td", { class: "reason" }, reason)),
    ),
  );
  byId("reasons-more").textContent =
    notImported > reasons.length ? `The first ${count(reasons.length)} are shown; the file has them all.` : "";
  byId("result-reasons").hidden = reasons.length === 0;
}
