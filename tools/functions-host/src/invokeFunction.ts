import { randomUUID } from "node:crypto";

import { CoreInvocationContext, LogLevel, ProgrammingModel, RpcInvocationResponse, RpcTypedData } from "./coreTypes";
import { RegisteredFunction } from "./functionRegistry";

export interface TriggerData {
  /** The trigger's value in the worker's typed-data form. */
  data: RpcTypedData;
  triggerMetadata: Record<string, RpcTypedData>;
  /** Fixed in advance when a request is forwarded under it (HTTP streaming). */
  invocationId?: string;
}

export type FunctionLog = (functionName: string, level: LogLevel, message: string) => void;

/** Runs one invocation through the programming model, as the worker's invocation handler does. */
export async function invokeFunction(
  model: ProgrammingModel,
  fn: RegisteredFunction,
  trigger: TriggerData,
  log: FunctionLog,
): Promise<RpcInvocationResponse> {
  const invocationId = trigger.invocationId ?? randomUUID();
  const triggerName = triggerBindingName(fn);
  const coreCtx: CoreInvocationContext = {
    invocationId,
    request: {
      invocationId,
      functionId: fn.metadata.name,
      inputData: [{ name: triggerName, data: trigger.data }],
      triggerMetadata: trigger.triggerMetadata,
    },
    metadata: fn.metadata,
    state: undefined,
    log: (level, _category, message) => log(fn.metadata.name, level, message),
  };
  const invocation = model.getInvocationModel(coreCtx);
  const { context, inputs } = await invocation.getArguments();
  coreCtx.state = "invocation";
  const result = await invocation.invokeFunction(context, inputs, fn.handler);
  coreCtx.state = "postInvocationHooks";
  return invocation.getResponse(context, result);
}

function triggerBindingName(fn: RegisteredFunction): string {
  const entry = Object.entries(fn.metadata.bindings).find(
    ([, b]) => b.direction === "in" && /Trigger$/i.test(b.type ?? ""),
  );
  if (!entry) throw new Error(`Function ${fn.metadata.name} has no trigger binding`);
  return entry[0];
}

export function triggerBinding(fn: RegisteredFunction): Record<string, unknown> & { type?: string | null } {
  return fn.metadata.bindings[triggerBindingName(fn)];
}

/** Trigger metadata values travel as JSON typed data, as the runtime sends them. */
export function jsonData(value: unknown): RpcTypedData {
  return { json: JSON.stringify(value) };
}
