export const clientStatuses = ["Active", "Inactive", "Prospect", "LostProspect"] as const;
export type ClientStatus = (typeof clientStatuses)[number];

const spellings: Record<string, ClientStatus> = { lost: "LostProspect", current: "Active", live: "Active", former: "Inactive", ceased: "Inactive" };
for (const status of clientStatuses) spellings[status.toLowerCase()] = status;

/** Reads a client status leniently: case, spaces and punctuation ignored ("lost prospect" is `LostProspect`). */
export function parseClientStatus(text: string): ClientStatus | null {
  return spellings[text.toLowerCase().replace(/[^a-z]/g, "")] ?? null;
}
