import fs from "node:fs";
import path from "node:path";

import { ProgrammingModel } from "./coreTypes";
import { errorMessage } from "./errorMessage";
import { FunctionRegistry, RegisteredFunction, SystemLog } from "./functionRegistry";
import { HostStartupError } from "./hostStartupError";
import { fieldsOf } from "./jsonObject";
import { filesMatchedByMain } from "./mainGlob";

export interface FunctionApp {
  functions: RegisteredFunction[];
  programmingModel: ProgrammingModel;
  /** Where the programming model wants raw HTTP requests forwarded (HTTP streaming), if it does. */
  httpUri: string | undefined;
  /** Each file `main` matched, with the names of the functions it registered. */
  files: { file: string; functions: string[] }[];
}

/**
 * Loads a function app the way the Node worker does: every file matched by package.json `main`, with
 * `@azure/functions-core` answered by this host, then the programming model's capabilities. A matched file
 * that registers nothing (setup code, shared helpers) is loaded and is fine, as in the worker; an app that
 * registers no function at all has nothing to serve, and the host says so.
 */
export async function loadFunctionApp(appRoot: string, systemLog: SystemLog): Promise<FunctionApp> {
  const main = readMain(appRoot);
  const files = filesMatchedByMain(appRoot, main);
  if (files.length === 0) {
    throw new HostStartupError(
      `package.json "main" (${main}) matches no file in ${appRoot}; build the app first (npm run build)`,
    );
  }
  const registry = new FunctionRegistry(systemLog);
  registry.install();
  const loaded = files.map((file) => {
    let registered: RegisteredFunction[];
    try {
      registered = registry.loadFile(file);
    } catch (error) {
      if (error instanceof HostStartupError) throw error;
      throw new HostStartupError(`Loading ${path.relative(appRoot, file)} failed: ${errorMessage(error)}`);
    }
    return { file, functions: registered.map((f) => f.metadata.name) };
  });
  if (registry.functions.length === 0)
    throw new HostStartupError(`The files package.json "main" (${main}) matches register no function`);
  const programmingModel = registry.programmingModel;
  if (!programmingModel)
    throw new HostStartupError("No programming model was set; do the function files use @azure/functions v4?");
  const capabilities = (await programmingModel.getCapabilities?.({})) ?? {};
  return { functions: registry.functions, programmingModel, httpUri: capabilities.HttpUri, files: loaded };
}

function readMain(appRoot: string): string {
  const file = path.join(appRoot, "package.json");
  let main: unknown;
  try {
    main = fieldsOf(JSON.parse(fs.readFileSync(file, "utf8"))).main;
  } catch (error) {
    throw new HostStartupError(`Cannot read ${file}: ${errorMessage(error)}`);
  }
  if (typeof main !== "string" || main === "")
    throw new HostStartupError(`${file} has no "main" naming the function files`);
  return main;
}
