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
    const { engine } = await appServices();
    await engine.failJob(message.tenant, message.code, "The import failed on every delivery of its message");
  },
});
