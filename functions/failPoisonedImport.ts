import "./runtime/appSetup";

import { app } from "@azure/functions";

import { appServices } from "../shared/appServices";
import { parseImportMessage } from "../shared/imports/importQueue";
import { poisonQueueName, storageLayout } from "../shared/storage/storageLayout";
import { errorMessage } from "../shared/util/errorMessage";

app.storageQueue("failPoisonedImport", {
  queueName: poisonQueueName(storageLayout.queues.clientImports),
  connection: "AzureWebJobsStorage",
  handler: async (body, context) => {
    let message;
    try {
      message = parseImportMessage(body);
    } catch (error) {
      // Retrying cannot make it readable; say so and let it go.
      context.error(`Dropped a poisoned message that names no job: ${errorMessage(error)}`);
      return;
    }
    const { watchdog } = await appServices();
    const outcome = await watchdog.poisoned(message.tenant, message.code);
    const job = `Import ${message.code} of ${message.tenant}`;
    if (outcome === "requeued") context.warn(`${job}: every delivery of its message failed; queued again in a while`);
    if (outcome === "failed") context.error(`${job} failed: every delivery of its message failed, time after time`);
  },
});
