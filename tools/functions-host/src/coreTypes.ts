/**
 * The part of the `@azure/functions-core` contract (the module the Functions Node worker provides) that this
 * host implements. Shapes follow the worker's `types-core/index.d.ts`.
 */
export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  http?: Record<string, unknown> | null;
}

export interface RpcBindingInfo {
  type?: string | null;
  direction?: "in" | "out" | "inout" | null;
  [property: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  bindings: Record<string, RpcBindingInfo>;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface RpcInvocationResponse {
  invocationId?: string | null;
  returnValue?: RpcTypedData | null;
  outputData?: { name?: string | null; data?: RpcTypedData | null }[] | null;
}

export type LogLevel = "trace" | "debug" | "information" | "warning" | "error" | "critical" | "none";

export interface CoreInvocationContext {
  invocationId: string;
  request: {
    invocationId: string;
    functionId: string;
    inputData: { name: string; data: RpcTypedData }[];
    triggerMetadata: Record<string, RpcTypedData>;
  };
  metadata: FunctionMetadata;
  state?: "preInvocationHooks" | "postInvocationHooks" | "invocation";
  log(level: LogLevel, category: string, message: string): void;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], handler: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: CoreInvocationContext): InvocationModel;
  getCapabilities?(capabilities: Record<string, string>): Promise<Record<string, string>>;
}
