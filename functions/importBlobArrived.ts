import "./runtime/appSetup";

import { app, trigger } from "@azure/functions";

import { appServices } from "../shared/appServices";
import { jobOfBlobCreatedSubject } from "../shared/imports/uploadEvent";

/**
 * A large file landed through its upload URL. An Event Grid BlobCreated event, not a blob trigger: the event
 * carries only the blob's name, where a blob trigger would hand the whole file to the function in memory.
 * In Azure an Event Grid subscription on the storage account delivers it; the local host emulates that
 * subscription for `localBlobCreatedPath`.
 */
app.generic("importBlobArrived", {
  trigger: trigger.generic({
    type: "eventGridTrigger",
    name: "event",
    localBlobCreatedPath: "import-files/uploads/{tenant}/{code}.csv",
  }),
  handler: async (event, context) => {
    const subject = (event as { subject?: string }).subject ?? "";
    const job = jobOfBlobCreatedSubject(subject);
    if (!job) {
      context.log(`Ignored a BlobCreated event for ${subject}`);
      return;
    }
    const { imports } = await appServices();
    await imports.fileArrived(job.tenant, job.code);
  },
});
