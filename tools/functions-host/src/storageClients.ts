import { BlobServiceClient, newPipeline as newBlobPipeline, RequestPolicyFactory } from "@azure/storage-blob";
import { newPipeline as newQueuePipeline, QueueServiceClient, StorageSharedKeyCredential } from "@azure/storage-queue";

/**
 * How long the host's storage requests (its queue polls, message settles, blob polls) may go unanswered. A poll
 * that never got an answer (a connection lost without a reset) stopped its trigger for good: the host took no
 * more messages from that queue until it restarted, while its HTTP functions answered as before.
 */
export const unansweredAfterMs = 45_000;

/** Each try of a request ends (an AbortError, which the trigger's loop takes as a failed poll) once unanswered. */
const unansweredRequestsFactory: RequestPolicyFactory = {
  create: (next) => ({
    sendRequest: (request) => {
      request.timeout ||= unansweredAfterMs;
      return next.sendRequest(request);
    },
  }),
};

/** The blob service of a connection string, its requests bounded by `unansweredAfterMs`. */
export function blobServiceFor(connectionString: string): BlobServiceClient {
  const plain = BlobServiceClient.fromConnectionString(connectionString);
  const pipeline = newBlobPipeline(plain.credential);
  pipeline.factories.push(unansweredRequestsFactory);
  return new BlobServiceClient(plain.url, pipeline);
}

/** The queue service of a connection string, its requests bounded by `unansweredAfterMs`. */
export function queueServiceFor(connectionString: string): QueueServiceClient {
  const plain = QueueServiceClient.fromConnectionString(connectionString);
  // The queue client keeps its credential protected; it is the one the connection string gave it.
  const { credential } = plain as unknown as { credential: StorageSharedKeyCredential };
  const pipeline = newQueuePipeline(credential);
  pipeline.factories.push(unansweredRequestsFactory);
  return new QueueServiceClient(plain.url, pipeline);
}
