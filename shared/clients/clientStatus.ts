export const clientStatuses = ["Active", "Inactive", "Prospect", "LostProspect"] as const;
export type ClientStatus = (typeof clientStatuses)[number];

// A Map, so cell text such as `constructor` finds nothing.
const spellings = new Map<string, ClientStatus>([
  ["lost", "LostProspect"],
  ["current", "Active"],
  ["live", "Active"],
  ["former", "Inactive"],
  ["ceased", "Inactive"],
]);
for (const status of clientStatuses) spellings.set(status.toLowerCase(), status);

/** Reads a client status leniently: case, spaces and punctuation ignored ("lost prospect" is `LostProspect`). */
export function parseClientStatus(text: string): ClientStatus | null {
  return spellings.get(text.toLowerCase().replace(/[^a-z]/g, "")) ?? null;
}
