import { ApiError } from "./apiError.js";
import { byId } from "./dom.js";
import { showApiError, showErrors } from "./errorSummary.js";
import { ImportApi } from "./importApi.js";
import { session } from "./session.js";
import { Step, Wizard } from "./wizard.js";

/** Tenant and API key; checked by listing the tenant's imports before anything else is shown. */
export const signInStep: Step = {
  name: "sign-in",
  setup(wizard) {
    byId("sign-in-form").addEventListener("submit", (event) => {
      event.preventDefault();
      void signIn(wizard);
    });
    byId("sign-out").addEventListener("click", () => {
      session.forget();
      wizard.api = null;
      byId("account").hidden = true;
      byId<HTMLInputElement>("api-key").value = "";
      void wizard.go("sign-in");
    });
  },
  enter() {},
};

async function signIn(wizard: Wizard): Promise<void> {
  const tenantInput = byId<HTMLInputElement>("tenant");
  const keyInput = byId<HTMLInputElement>("api-key");
  const tenant = tenantInput.value.trim();
  const apiKey = keyInput.value.trim();
  const missing = [
    ...(tenant ? [] : [{ message: "Enter your tenant", field: tenantInput }]),
    ...(apiKey ? [] : [{ message: "Enter your API key", field: keyInput }]),
  ];
  if (missing.length > 0) return showErrors(missing);
  const api = new ImportApi(tenant, apiKey, wizard.settings);
  try {
    await api.listImports(1);
  } catch (error) {
    const field = error instanceof ApiError && error.status === 403 ? tenantInput : keyInput;
    return showApiError(error, () => field);
  }
  session.remember({ tenant, apiKey });
  await enterAs(wizard, api);
}

/** Signed in: the account shows in the banner, and the flow starts at the file step. */
export async function enterAs(wizard: Wizard, api: ImportApi): Promise<void> {
  wizard.api = api;
  byId("account-name").textContent = `Tenant: ${api.tenant}`;
  byId("account").hidden = false;
  await wizard.go("file");
}
