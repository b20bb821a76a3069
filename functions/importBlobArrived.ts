import "./runtime/appSetup";

import { app, trigger } from "@azure/functions";

import { appServices } from "../shared/appServices";
import { jobOfBlobCreatedEvent } from "../shared/imports/uploadEvent";
import { storageLayout } from "../shared/storage/storageLayout";

/**
 * A large file landed through its upload URL. The Storage BlobCreated event carries only the blob's name,
 * where a blob trigger would hand the whole file to the function in memory. Event Grid writes the event to a
 * queue (infra/app/eventgrid.bicep): delivery needs no function key and no post-deploy step, and events wait
 * in the queue, with retries and a poison queue, while the app deploys or scales from zero. The local host
 * writes the same events for `localBlobCreatedPath`.
 */
app.generic("importBlobArrived", {
  trigger: trigger.generic({
    type: "queueTrigger",
    name: "event",
    queueName: storageLayout.queues.importFileEvents,
    connection: "AzureWebJobsStorage",
    localBlobCreatedPath: `${storageLayout.containers.importFiles}/uploads/{tenant}/{code}.csv`,
  }),
  handler: async (event, context) => {
    const job = jobOfBlobCreatedEvent(event);
    if (!job) {
      context.log(`Ignored an event that is not an upload's BlobCreated: ${JSON.stringify(event).slice(0, 300)}`);
      return;
    }
    const { imports } = await appServices();
    const started = Date.now();
    const queued = await imports.fileArrived(job.tenant, job.code);
    context.log(
      queued
        ? `Upload ${job.code} of ${job.tenant} arrived; its reading was queued in ${Date.now() - started} ms`
        : `Upload ${job.code} of ${job.tenant} arrived for no import waiting for its file (ended, read, or never asked for): nothing to do`,
    );
  },
});
