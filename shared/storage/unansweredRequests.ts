import { Readable } from "node:stream";

import { PipelinePolicy } from "@azure/core-rest-pipeline";
import { TableClient } from "@azure/data-tables";
import { BlobServiceClient, newPipeline as newBlobPipeline, RequestPolicyFactory } from "@azure/storage-blob";
import { newPipeline as newQueuePipeline, QueueServiceClient } from "@azure/storage-queue";

/**
 * How long a storage request may go unanswered before the HTTP client ends it (an AbortError, which the SDKs' retry
 * policies leave to the caller), and how long a body being read may send nothing. Azure ends an operation it has
 * not finished in 30 s itself, so one still unanswered 15 s after that will not be answered; a request that never
 * gets any answer (a connection lost without a reset) held its caller, a slice among them, for good: on Azure
 * until the function's timeout, under the local host for ever, its tenant's lease renewed all the while.
 * Azurite's slowest answers, under ten imports into a million-client table, took a few seconds.
 */
export const unansweredAfterMs = 45_000;

/**
 * Gives every try of a request a timeout of `unansweredAfterMs`, unless it has one of its own, and ends a try whose
 * whole answer has not come within it: the HTTP client's timeout ends when the answer begins, and a table's answer
 * is read whole before it is given back, so a body that stops coming held its caller as a lost request did.
 */
export const unansweredRequestsPolicy: PipelinePolicy = {
  name: "unansweredRequests",
  sendRequest: async (request, next) => {
    request.timeout ||= unansweredAfterMs;
    const given = request.abortSignal;
    const ended = new AbortController();
    const end = () => ended.abort();
    const timer = setTimeout(end, request.timeout);
    if (given?.aborted) end();
    given?.addEventListener("abort", end);
    request.abortSignal = ended.signal;
    try {
      return await next(request);
    } catch (error) {
      throw ended.signal.aborted && !given?.aborted ? unanswered(request) : error;
    } finally {
      clearTimeout(timer);
      given?.removeEventListener("abort", end);
      request.abortSignal = given;
    }
  },
};

/** `table`, each try of its requests bounded by `unansweredAfterMs`. */
export function withUnansweredLimit(table: TableClient): TableClient {
  table.pipeline.addPolicy(unansweredRequestsPolicy, { afterPhase: "Retry" });
  return table;
}

/**
 * `unansweredRequestsPolicy` for the blob and queue clients, whose pipelines take added policies only in this
 * older form. Each try of a request is bounded: the storage retry policy sends the same request again.
 */
const unansweredRequestsFactory: RequestPolicyFactory = {
  create: (next) => ({
    sendRequest: async (request) => {
      request.timeout ||= unansweredAfterMs;
      try {
        return await next.sendRequest(request);
      } catch (error) {
        // An AbortError while the caller's own signal stands is the timeout's.
        throw (error as Error).name === "AbortError" && !request.abortSignal?.aborted ? unanswered(request) : error;
      }
    },
  }),
};

/**
 * What a try ended by the limit throws: an AbortError, as the HTTP client's own (callers resend a transaction on
 * that name), saying which request went unanswered, for the job's last error and the host's log.
 */
function unanswered(request: { method: string; url: string }): Error {
  const path = decodeURIComponent(new URL(request.url).pathname);
  const message = `The storage did not answer ${request.method} ${path} within ${unansweredAfterMs / 1000} s`;
  return Object.assign(new Error(message), { name: "AbortError" });
}

/** A client for `blobs`' account and credential whose requests are bounded by `unansweredAfterMs`. */
export function blobsWithUnansweredLimit(blobs: BlobServiceClient): BlobServiceClient {
  const pipeline = newBlobPipeline(blobs.credential);
  pipeline.factories.push(unansweredRequestsFactory);
  return new BlobServiceClient(blobs.url, pipeline);
}

/** A client for `queues`' account and credential whose requests are bounded by `unansweredAfterMs`. */
export function queuesWithUnansweredLimit(queues: QueueServiceClient): QueueServiceClient {
  // The queue client keeps its credential protected; it is the one it was made with, as the blob client's is.
  const { credential } = queues as unknown as { credential: Parameters<typeof newQueuePipeline>[0] };
  const pipeline = newQueuePipeline(credential);
  pipeline.factories.push(unansweredRequestsFactory);
  return new QueueServiceClient(queues.url, pipeline);
}

/**
 * The chunks of a response body, ended with an error once the next one has not come for `unansweredAfterMs`: the
 * HTTP client's limit ends when the answer begins, and a body whose connection is lost without a reset would
 * hold its reader for good. Only the wait for a chunk counts: a reader may take its time between chunks (a slice
 * waiting for the store to take its writes).
 */
export async function* endedIfIdle(body: Readable): AsyncIterable<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  try {
    for (;;) {
      const timer = setTimeout(
        () => body.destroy(new Error(`The storage stopped sending for ${unansweredAfterMs / 1000} s; reading ended`)),
        unansweredAfterMs,
      );
      let next: IteratorResult<Uint8Array>;
      try {
        next = await chunks.next();
      } finally {
        clearTimeout(timer);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // A reader that stops early (a slice at its time budget) lets go of the body and its connection, as a
    // `for await` over the body itself does.
    if (!body.destroyed) body.destroy();
  }
}
