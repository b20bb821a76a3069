import { showErrors } from "./errorSummary.js";
import { fileStep } from "./fileStep.js";
import { ImportApi, loadSettings } from "./importApi.js";
import { mapStep } from "./mapStep.js";
import { optionsStep } from "./optionsStep.js";
import { previewStep } from "./previewStep.js";
import { progressStep } from "./progressStep.js";
import { resultStep } from "./resultStep.js";
import { session } from "./session.js";
import { enterAs, signInStep } from "./signInStep.js";
import { Wizard } from "./wizard.js";

/** Starts the page where the user left it in this tab: signed out, at the file step, or following a job. */
async function main(): Promise<void> {
  const settings = await loadSettings();
  const wizard = new Wizard(settings, [
    signInStep,
    fileStep,
    previewStep,
    mapStep,
    optionsStep,
    progressStep,
    resultStep,
  ]);
  const signIn = session.signIn();
  if (!signIn) return wizard.go("sign-in");
  await enterAs(wizard, new ImportApi(signIn.tenant, signIn.apiKey, settings));
  const followed = session.followedJob();
  if (!followed) return;
  try {
    wizard.job = (await wizard.signedIn.job(followed)).body;
  } catch {
    session.follow(null);
    return;
  }
  const started = session.settingsOf(followed);
  if (started) {
    wizard.mapping = started.mapping;
    wizard.options = started.options;
    wizard.headerRow = started.headerRow;
  }
  await wizard.go("progress");
}

main().catch(() =>
  showErrors([{ message: "The page could not start: the service cannot be reached. Reload the page to try again" }]),
);
