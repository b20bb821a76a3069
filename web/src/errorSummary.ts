import { ApiError } from "./apiError.js";
import { byId, element } from "./dom.js";

export interface ShownError {
  message: string;
  /** The control the error is about: marked invalid, given the message, and linked from the summary. */
  field?: HTMLElement;
}

const marked = new Set<HTMLElement>();

/**
 * Shows errors as GOV.UK-style pages do: a summary at the top that takes focus, with a link to each control,
 * and each message again beside its control (aria-invalid, aria-describedby), so neither colour nor position
 * alone tells the user what went wrong.
 */
export function showErrors(errors: ShownError[]): void {
  clearErrors();
  const list = byId("error-list");
  for (const { message, field } of errors) {
    list.append(element("li", {}, field?.id ? element("a", { href: `#${field.id}` }, message) : message));
    if (field) markField(field, message);
  }
  const summary = byId("error-summary");
  summary.hidden = false;
  summary.focus();
}

/** Shows what went wrong with a call; the API's field errors go beside the controls `fieldOf` finds for them. */
export function showApiError(
  error: unknown,
  fieldOf: (name: string) => HTMLElement | undefined = () => undefined,
): void {
  if (!(error instanceof ApiError)) {
    showErrors([{ message: "Something unexpected happened in this page. Reload it and try again." }]);
    throw error;
  }
  const shown: ShownError[] = error.problems.map((problem) => ({
    message: problem.message,
    field: fieldOf(problem.field),
  }));
  showErrors(shown.length > 0 ? shown : [{ message: error.message, field: fieldOf("") }]);
}

export function clearErrors(): void {
  byId("error-summary").hidden = true;
  byId("error-list").replaceChildren();
  for (const field of marked) {
    field.removeAttribute("aria-invalid");
    const errorId = `${field.id}-error`;
    const message = document.getElementById(errorId);
    if (message) {
      message.hidden = true;
      message.textContent = "";
    }
    const describedBy = (field.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => id && id !== errorId);
    if (describedBy.length > 0) field.setAttribute("aria-describedby", describedBy.join(" "));
    else field.removeAttribute("aria-describedby");
  }
  marked.clear();
}

function markField(field: HTMLElement, message: string): void {
  const errorId = `${field.id}-error`;
  let shown = document.getElementById(errorId);
  if (!shown) {
    shown = element("p", { class: "field-error", id: errorId });
    field.before(shown);
  }
  shown.textContent = message;
  shown.hidden = false;
  field.setAttribute("aria-invalid", "true");
  const describedBy = (field.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
  if (!describedBy.includes(errorId)) field.setAttribute("aria-describedby", [errorId, ...describedBy].join(" "));
  marked.add(field);
}
