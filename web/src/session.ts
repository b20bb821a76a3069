import { ColumnMapping, ImportOptions } from "./apiTypes.js";

/** The mapping and options a job was started with, which the API's job record does not return. */
export interface JobSettings {
  mapping: ColumnMapping[];
  options: ImportOptions;
  /** Whether the user said the file's first row is its header (null: found by the service). */
  headerRow: boolean | null;
}

// Kept in sessionStorage: gone when the tab closes, never sent anywhere but the x-api-key header.
const keys = {
  tenant: "import.tenant",
  apiKey: "import.apiKey",
  job: "import.job",
  settings: "import.settings",
} as const;

export interface SignIn {
  tenant: string;
  apiKey: string;
}

export const session = {
  signIn(): SignIn | null {
    const tenant = sessionStorage.getItem(keys.tenant);
    const apiKey = sessionStorage.getItem(keys.apiKey);
    return tenant && apiKey ? { tenant, apiKey } : null;
  },
  remember({ tenant, apiKey }: SignIn): void {
    sessionStorage.setItem(keys.tenant, tenant);
    sessionStorage.setItem(keys.apiKey, apiKey);
  },
  /** The job being followed, to come back to after a reload. */
  followedJob(): string | null {
    return sessionStorage.getItem(keys.job);
  },
  follow(code: string | null): void {
    if (code) sessionStorage.setItem(keys.job, code);
    else sessionStorage.removeItem(keys.job);
  },
  /** Keeps what the last job was started with, so "Import the fixed file" works after a reload too. */
  startedWith(code: string, settings: JobSettings): void {
    sessionStorage.setItem(keys.settings, JSON.stringify({ code, ...settings }));
  },
  settingsOf(code: string): JobSettings | null {
    const stored = JSON.parse(sessionStorage.getItem(keys.settings) ?? "null") as
      // Saved by a page from before the header row was kept: found by the service.
      (Omit<JobSettings, "headerRow"> & { code: string; headerRow?: boolean | null }) | null;
    if (stored?.code !== code) return null;
    return { mapping: stored.mapping, options: stored.options, headerRow: stored.headerRow ?? null };
  },
  forget(): void {
    for (const key of Object.values(keys)) sessionStorage.removeItem(key);
  },
};
