/** One field of a request and what is wrong with it: `columnMappings[2].targetField`, "is not a target field". */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Why an operation did not do what was asked, in domain terms: the function layer answers each kind with its
 * HTTP status (invalid 400, notFound 404, conflict 409, tooLarge 413).
 */
export interface Refusal {
  ok: false;
  refused: "invalid" | "notFound" | "conflict" | "tooLarge";
  detail: string;
  errors?: FieldError[];
}

/** What an operation of the API's use cases gives back: its result, or a refusal. */
export type Outcome<T> = { ok: true; value: T } | Refusal;

export function done<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function refuse(refused: Refusal["refused"], detail: string, errors?: FieldError[]): Refusal {
  return { ok: false, refused, detail, ...(errors ? { errors } : {}) };
}
