import "./runtime/appSetup";

import { app } from "@azure/functions";

import { appServices } from "../shared/appServices";
import { parseImportMessage } from "../shared/imports/importQueue";
import { storageLayout } from "../shared/storage/storageLayout";

// While another import holds the tenant, ask again after this long.
const tenantBusyDelaySeconds = 2;

app.storageQueue("processImport", {
  queueName: storageLayout.queues.clientImports,
  connection: "AzureWebJobsStorage",
  handler: async (body, context) => {
    const messageId = context.triggerMetadata?.id;
    // The job records its message as taken by its id: without it the job would look queued to the watchdog forever.
    if (typeof messageId !== "string") throw new Error("The queue trigger gave no message id");
    const message = parseImportMessage(body);
    const { runSlice, jobQueue } = await appServices();
    const outcome = await runSlice({ ...message, messageId });
    const job = `Import ${message.code} of ${message.tenant}`;
    if (outcome === "failed") context.error(`${job} failed; its reason is on the job (failureReason)`);
    else context.log(`${job}: ${outcome}`);
    if (outcome === "continue") await jobQueue.send(message.tenant, message.code);
    if (outcome === "tenantBusy") await jobQueue.send(message.tenant, message.code, tenantBusyDelaySeconds);
  },
});
