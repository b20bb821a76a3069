import { byId } from "./dom.js";
import { showApiError, showErrors } from "./errorSummary.js";
import { StartWith, Uploaded } from "./importApi.js";
import { showRecentImports } from "./recentImports.js";
import { session } from "./session.js";
import { Step, Wizard } from "./wizard.js";
import { bytes, count } from "./words.js";

/** Choosing and uploading a file, with the tenant's recent imports below. */
export const fileStep: Step = {
  name: "file",
  setup(wizard) {
    const input = byId<HTMLInputElement>("file");
    const dropZone = byId("drop-zone");
    byId("upload-limit").textContent = bytes(wizard.settings.maxUploadBytes);
    // Dropping a file is an extra: the labelled file input does the same with a single click or the keyboard.
    dropZone.addEventListener("dragover", (event) => {
      event.preventDefault();
      dropZone.classList.add("over");
    });
    dropZone.addEventListener("dragleave", () => dropZone.classList.remove("over"));
    dropZone.addEventListener("drop", (event) => {
      event.preventDefault();
      dropZone.classList.remove("over");
      if (event.dataTransfer?.files.length) {
        input.files = event.dataTransfer.files;
        dropZone.textContent = `Chosen: ${input.files[0].name}`;
      }
    });
    byId("file-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const file = input.files?.[0];
      if (!file) return showErrors([{ message: "Choose a CSV file to upload", field: input }]);
      // A file newly chosen has its header row found, whatever was said of the last one, unless it is the same.
      wizard.headerRow = wizard.carried?.sameFile?.headerRow ?? null;
      void uploadFile(wizard, file, null);
    });
    byId("recent-refresh").addEventListener("click", () => void showRecentImports(wizard));
  },
  async enter(wizard) {
    byId<HTMLInputElement>("file").value = "";
    byId("drop-zone").textContent = "Or drop the file here";
    byId("upload-transfer").hidden = true;
    const carried = byId("carried-settings");
    carried.hidden = !wizard.carried;
    carried.textContent = !wizard.carried
      ? ""
      : wizard.carried.sameFile
        ? "Choose the same file again. The column matches and options you chose for it are kept."
        : "Choose the fixed file. The column matches and options of the last import are kept for it.";
    await showRecentImports(wizard);
  },
};

/**
 * Uploads a file with a byte progress bar: to be previewed, or (`start`) to be imported at once with a mapping
 * and options already chosen. Then shows the preview, or follows the job.
 */
export async function uploadFile(wizard: Wizard, file: File, start: StartWith | null) {
  const button = byId<HTMLButtonElement>("upload-button");
  const transfer = byId("upload-transfer");
  const bar = byId<HTMLProgressElement>("upload-progress");
  const text = byId("upload-progress-text");
  const announcer = byId("announcer");
  // From the result step ("Import for real"), the upload's progress shows on the file step.
  if (byId("step-file").hidden) await wizard.go("file");
  transfer.hidden = false;
  button.disabled = true;
  let lastAnnounced = 0;
  const progress = (loaded: number, total: number) => {
    const percent = total > 0 ? Math.floor((loaded / total) * 100) : 0;
    bar.value = percent;
    const words = `${bytes(loaded)} of ${bytes(total)} sent (${percent}%)`;
    bar.setAttribute("aria-valuetext", words);
    text.textContent = words;
    if (Date.now() - lastAnnounced > 3000 || loaded === total) {
      announcer.textContent = `Uploading ${file.name}: ${percent}%`;
      lastAnnounced = Date.now();
    }
  };
  announcer.textContent = `Uploading ${file.name}`;
  let uploaded: Uploaded;
  try {
    uploaded = await wizard.signedIn.upload(file, wizard.headerRow, start, progress, () => {
      text.textContent = `${file.name} is uploaded; reading it…`;
      announcer.textContent = `${file.name} is uploaded; reading it`;
    });
  } catch (error) {
    transfer.hidden = true;
    announcer.textContent = "";
    return showApiError(error, () => byId("file"));
  } finally {
    button.disabled = false;
  }
  wizard.file = file;
  if ("job" in uploaded) {
    wizard.job = uploaded.job;
    session.follow(uploaded.job.code);
    if (start) session.startedWith(uploaded.job.code, { ...start, headerRow: wizard.headerRow });
    return wizard.go("progress");
  }
  wizard.previewed(uploaded.preview);
  announcer.textContent = `${file.name}: ${count(uploaded.preview.totalRows)} rows read`;
  await wizard.go("preview");
}
