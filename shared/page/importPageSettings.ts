import { clientTypes } from "../clients/clientType";
import { matchFields, targetFields } from "../clients/targetFields";
import { inWords } from "../util/inWords";

/** A value the page offers, and its words. */
export interface Choice {
  value: string;
  label: string;
}

/** What the import page needs to know of the service: served as `settings.json`, so the page never drifts from it. */
export interface ImportPageSettings {
  maxUploadBytes: number;
  targetFields: (Choice & { required: boolean })[];
  matchFields: Choice[];
  clientTypes: Choice[];
}

const choice = (value: string): Choice => ({ value, label: inWords(value) });

export function importPageSettings(maxUploadBytes: number): ImportPageSettings {
  return {
    maxUploadBytes,
    targetFields: targetFields.map((field) => ({ ...choice(field), required: field === "Name" })),
    matchFields: matchFields.map(choice),
    clientTypes: clientTypes.map(choice),
  };
}
