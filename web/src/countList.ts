import { ImportJob } from "./apiTypes.js";
import { element } from "./dom.js";
import { count } from "./words.js";

/** Created, updated, skipped and failed, as labelled numbers. */
export function countList(job: ImportJob): HTMLElement[] {
  const would = job.validateOnly ? "Would be " : "";
  return [
    [`${would}${would ? "created" : "Created"}`, job.createdCount],
    [`${would}${would ? "updated" : "Updated"}`, job.updatedCount],
    ["Skipped", job.skippedCount],
    ["Failed", job.errorCount],
  ].map(([label, n]) => element("div", {}, element("dt", {}, String(label)), element("dd", {}, count(Number(n)))));
}
