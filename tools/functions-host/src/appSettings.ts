import fs from "node:fs";
import path from "node:path";

import { errorMessage } from "./errorMessage";
import { HostStartupError } from "./hostStartupError";
import { fieldsOf } from "./jsonObject";

/**
 * App settings as Core Tools builds them: `local.settings.json` `Values`, with real environment variables
 * taking precedence. The result is also written into `process.env`, where the functions read it.
 */
export function loadAppSettings(appRoot: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const file = path.join(appRoot, "local.settings.json");
  let values: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    try {
      values = fieldsOf(fieldsOf(JSON.parse(fs.readFileSync(file, "utf8"))).Values);
    } catch (error) {
      throw new HostStartupError(
        `local.settings.json is not valid JSON (${errorMessage(error)}); fix ${file} and start again`,
      );
    }
  }
  for (const [name, value] of Object.entries(values)) {
    if (env[name] === undefined && ["string", "number", "boolean"].includes(typeof value)) env[name] = String(value);
  }
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Replaces `%Name%` in a binding property with the app setting of that name, as the runtime does. */
export function resolveSettingExpressions(text: string, settings: Record<string, string>): string {
  return text.replace(/%([^%]+)%/g, (_, name: string) => {
    const value = settings[name];
    if (value === undefined) throw new HostStartupError(`A binding refers to app setting %${name}%, which is not set`);
    return value;
  });
}

/**
 * The connection string a trigger's `connection` names; unset means `AzureWebJobsStorage`. Identity-based
 * connections (`<name>__accountName`, `__blobServiceUri`...) need a sign-in this host does not do: it says so.
 */
export function connectionString(connection: unknown, settings: Record<string, string>): string {
  const name = typeof connection === "string" && connection !== "" ? connection : "AzureWebJobsStorage";
  const value = settings[name] ?? settings[`AzureWebJobs${name}`];
  if (value) return value;
  const prefix = `${name}__`.toLowerCase();
  if (Object.keys(settings).some((setting) => setting.toLowerCase().startsWith(prefix)))
    throw new HostStartupError(
      `${name} is set as an identity-based connection (${name}__...), which the local host does not sign in with; set ${name} to a connection string (UseDevelopmentStorage=true for Azurite), or unset the ${name}__ settings`,
    );
  throw new HostStartupError(`App setting ${name} (a storage connection string) is not set`);
}

/** The HTTP port: `PORT`, else 7071 as Core Tools uses. */
export function portSetting(value: string | undefined): number {
  if (value === undefined || value === "") return 7071;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new HostStartupError(`PORT must be a whole number from 1 to 65535 (found "${value}")`);
  return port;
}
