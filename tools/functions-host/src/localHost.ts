import { randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

import { connectionString, resolveSettingExpressions } from "./appSettings";
import { ArrivedBlob, BlobTriggerListener } from "./blobTriggerListener";
import { LogLevel, RpcTypedData } from "./coreTypes";
import { describeStorageError } from "./describeStorageError";
import { errorMessage } from "./errorMessage";
import { loadFunctionApp } from "./functionApp";
import { RegisteredFunction } from "./functionRegistry";
import { readHostJson } from "./hostJson";
import { HostStartupError } from "./hostStartupError";
import { assertHttpStreaming, startHttpTriggerServer } from "./httpTriggerServer";
import { invokeFunction, jsonData, triggerBinding } from "./invokeFunction";
import { fieldsOf } from "./jsonObject";
import { NcrontabSchedule } from "./ncrontab";
import { QueueTriggerListener } from "./queueTriggerListener";
import { blobServiceFor, queueServiceFor } from "./storageClients";
import { probeStorage } from "./storageConnection";
import { TimerTriggerScheduler } from "./timerTriggerScheduler";

export interface LocalHostOptions {
  appRoot: string;
  port: number;
  settings: Record<string, string>;
  log(line: string): void;
}

export interface LocalHost {
  url: string;
  functions: { name: string; trigger: string; description: string }[];
  stop: () => Promise<void>;
}

interface Listener {
  start(): void;
  stop: () => Promise<void>;
}

const blobPollIntervalMs = 1_000;

/**
 * A Functions-compatible host for one app: loads its functions through package.json `main`, serves HTTP
 * triggers, and runs queue, blob and timer triggers with the runtime's semantics.
 */
export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const { appRoot, settings } = options;
  const hostSettings = readHostJson(appRoot, settings);
  const storageConnection = connectionString(undefined, settings);
  await probeStorage(storageConnection);

  const log = (level: LogLevel, message: string) => {
    if (level !== "trace" && level !== "debug") options.log(`[${new Date().toISOString()}] ${message}`);
  };
  const app = await loadFunctionApp(appRoot, log);
  assertHttpStreaming(app.functions, app.httpUri);

  const functionLog = (name: string, level: LogLevel, message: string) => log(level, `${name}: ${message}`);
  const reportFailure = (fn: RegisteredFunction, error: unknown, detail = "") =>
    log("error", `Executed '${fn.metadata.name}' (Failed${detail}): ${errorMessage(error)}`);
  const invoke = (fn: RegisteredFunction, trigger: Parameters<typeof invokeFunction>[2]) =>
    invokeFunction(app.programmingModel, fn, trigger, functionLog);
  const hostId = hostIdOf(appRoot);

  const blobListener = (
    fn: RegisteredFunction,
    connection: string,
    blobPath: string,
    deliver: (blob: ArrivedBlob) => Promise<unknown>,
  ) =>
    new BlobTriggerListener({
      blobs: blobServiceFor(connection),
      path: blobPath,
      functionName: fn.metadata.name,
      hostId,
      maxDequeueCount: hostSettings.queues.maxDequeueCount,
      pollIntervalMs: blobPollIntervalMs,
      poisonQueue: queueServiceFor(connection).getQueueClient("webjobs-blobtrigger-poison"),
      deliver,
      onError: (error, blob) =>
        reportFailure(fn, error, `, blob ${blob.name}, attempt ${blob.attempt}${blob.poisoned ? ", given up" : ""}`),
    });

  const listeners: Listener[] = [];
  const described: LocalHost["functions"] = [];
  const baseUrl = `http://localhost:${options.port}`;
  for (const fn of app.functions) {
    const binding = triggerBinding(fn);
    const name = fn.metadata.name;
    const setting = (value: unknown) => resolveSettingExpressions(typeof value === "string" ? value : "", settings);
    switch (binding.type) {
      case "httpTrigger": {
        const methods = Array.isArray(binding.methods) ? binding.methods.join(",") : "GET,POST";
        const route = typeof binding.route === "string" && binding.route ? binding.route : name;
        described.push({
          name,
          trigger: "http",
          description: `[${methods}] ${baseUrl}/${hostSettings.routePrefix ? hostSettings.routePrefix + "/" : ""}${route}`,
        });
        break;
      }
      case "queueTrigger": {
        const queueName = setting(binding.queueName);
        const connection = connectionString(binding.connection, settings);
        const queues = queueServiceFor(connection);
        const queue = queues.getQueueClient(queueName);
        listeners.push(
          new QueueTriggerListener({
            queue,
            poisonQueue: queues.getQueueClient(`${queueName}-poison`),
            settings: hostSettings.queues,
            invoke: (data, triggerMetadata) => invoke(fn, { data, triggerMetadata }),
            onError: (error, message) =>
              reportFailure(
                fn,
                error,
                `, message ${message.id}, attempt ${message.dequeueCount}${message.poisoned ? `, moved to ${queueName}-poison` : ""}`,
              ),
            onSettleError: (error, messageId) =>
              log(
                "warning",
                `${name}: message ${messageId} could not be settled (${describeStorageError(error)}); it will be delivered again`,
              ),
          }),
        );
        described.push({ name, trigger: "queue", description: `queue ${queueName}` });
        if (typeof binding.localBlobCreatedPath === "string") {
          // In Azure an Event Grid subscription with a storage queue destination writes these events; here the
          // host writes them, in the same shape and encoding, for the blobs that land under the path.
          const blobPath = setting(binding.localBlobCreatedPath);
          listeners.push(
            blobListener(fn, connection, blobPath, (blob) =>
              queue.sendMessage(Buffer.from(JSON.stringify(blobCreatedEvent(blob))).toString("base64")),
            ),
          );
          described.push({
            name,
            trigger: "queue",
            description: `Event Grid BlobCreated ${blobPath} -> queue ${queueName}`,
          });
        }
        break;
      }
      case "blobTrigger": {
        const blobPath = setting(binding.path);
        listeners.push(
          blobListener(fn, connectionString(binding.connection, settings), blobPath, async (blob) =>
            invoke(fn, { data: { bytes: await blob.download() }, triggerMetadata: blobTriggerMetadata(blob) }),
          ),
        );
        described.push({ name, trigger: "blob", description: `blob ${blobPath}` });
        break;
      }
      case "timerTrigger": {
        const schedule = new NcrontabSchedule(setting(binding.schedule));
        listeners.push(
          new TimerTriggerScheduler({
            schedule,
            runOnStartup: binding.runOnStartup === true,
            invoke: (data) => invoke(fn, { data, triggerMetadata: {} }),
            onError: (error) => reportFailure(fn, error),
          }),
        );
        described.push({ name, trigger: "timer", description: `timer ${schedule.expression}` });
        break;
      }
      default:
        throw new HostStartupError(`Function ${name} uses trigger ${binding.type}, which the local host does not run`);
    }
  }

  let server: http.Server | undefined;
  if (app.httpUri !== undefined) {
    server = await startHttpTriggerServer({
      port: options.port,
      routePrefix: hostSettings.routePrefix,
      functions: app.functions,
      httpUri: app.httpUri,
      invoke: (fn, invocationId, triggerMetadata) => invoke(fn, { invocationId, data: { http: {} }, triggerMetadata }),
      onError: (fn, error) => reportFailure(fn, error),
    });
  }
  for (const listener of listeners) listener.start();

  return {
    url: `${baseUrl}/${hostSettings.routePrefix}`,
    functions: described,
    stop: async () => {
      const closed = server ? new Promise((resolve) => server.close(resolve)) : Promise.resolve();
      server?.closeIdleConnections();
      await Promise.all([closed, ...listeners.map((l) => l.stop())]);
    },
  };
}

function blobTriggerMetadata(blob: ArrivedBlob): Record<string, RpcTypedData> {
  const metadata: Record<string, RpcTypedData> = {
    BlobTrigger: { string: `${blob.containerName}/${blob.name}` },
    Uri: { string: blob.url },
    Properties: jsonData(blob.properties),
    Metadata: jsonData(blob.metadata),
  };
  for (const [key, value] of Object.entries(blob.params)) metadata[key] = { string: value };
  return metadata;
}

/** The event an Event Grid subscription on the storage account would deliver for a new blob. */
function blobCreatedEvent(blob: ArrivedBlob): object {
  return {
    id: randomUUID(),
    topic: "local-storage-account",
    subject: `/blobServices/default/containers/${blob.containerName}/blobs/${blob.name}`,
    eventType: "Microsoft.Storage.BlobCreated",
    eventTime: new Date().toISOString(),
    data: {
      api: "PutBlob",
      url: blob.url,
      eTag: blob.etag,
      contentLength: blob.properties.contentLength,
      contentType: blob.properties.contentType,
      blobType: "BlockBlob",
    },
    dataVersion: "",
    metadataVersion: "1",
  };
}

function hostIdOf(appRoot: string): string {
  let name = path.basename(appRoot);
  try {
    const { name: packageName } = fieldsOf(JSON.parse(fs.readFileSync(path.join(appRoot, "package.json"), "utf8")));
    if (typeof packageName === "string") name = packageName;
  } catch {
    // The folder name will do.
  }
  return name
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 32);
}
