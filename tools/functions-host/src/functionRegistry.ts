import Module from "node:module";

import { FunctionCallback, FunctionMetadata, LogLevel, ProgrammingModel } from "./coreTypes";
import { HostStartupError } from "./hostStartupError";

export interface RegisteredFunction {
  metadata: FunctionMetadata;
  handler: FunctionCallback;
  /** The file whose loading registered it. */
  file: string;
}

export type SystemLog = (level: LogLevel, message: string) => void;

/**
 * Plays the Node worker's part: answers `require('@azure/functions-core')` so that `@azure/functions`
 * hands this host every `app.*` registration and its programming model, exactly as it does in Azure.
 */
export class FunctionRegistry {
  readonly functions: RegisteredFunction[] = [];
  programmingModel: ProgrammingModel | undefined;
  private loadingFile: string | undefined;

  constructor(private readonly systemLog: SystemLog) {}

  /** Makes this registry the process's `@azure/functions-core`. One registry per process, as in the worker. */
  install(): void {
    const core = {
      version: "local",
      hostVersion: "4.0.0-local",
      registerFunction: (metadata: FunctionMetadata, handler: FunctionCallback) => this.register(metadata, handler),
      setProgrammingModel: (model: ProgrammingModel) => {
        this.programmingModel = model;
      },
      getProgrammingModel: () => this.programmingModel,
      registerHook: () => {
        throw new HostStartupError("app.hook.* is not supported by the local host");
      },
      log: (level: LogLevel, _category: string, message: string) => this.systemLog(level, message),
    };
    const moduleInternals = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const load = moduleInternals._load;
    moduleInternals._load = function (request: string, ...rest: unknown[]) {
      return request === "@azure/functions-core" ? core : load.call(this, request, ...rest);
    };
  }

  /** Requires one function file and returns what it registered. */
  loadFile(file: string): RegisteredFunction[] {
    const before = this.functions.length;
    this.loadingFile = file;
    try {
      // Loaded as the worker loads it: required by path, so the app's own module state is the real one.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(file);
    } finally {
      this.loadingFile = undefined;
    }
    return this.functions.slice(before);
  }

  private register(metadata: FunctionMetadata, handler: FunctionCallback): { dispose(): void } {
    if (this.functions.some((f) => f.metadata.name === metadata.name)) {
      throw new HostStartupError(`Two functions are named "${metadata.name}"; function names must be unique`);
    }
    this.functions.push({ metadata, handler, file: this.loadingFile ?? "(unknown file)" });
    return { dispose: () => undefined };
  }
}
