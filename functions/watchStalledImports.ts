import "./runtime/appSetup";

import { app } from "@azure/functions";

import { appServices } from "../shared/appServices";

app.timer("watchStalledImports", {
  schedule: "0 * * * * *",
  handler: async (_timer, context) => {
    const { watchdog, imports } = await appServices();
    const { requeued, failed } = await watchdog.sweep();
    if (requeued.length + failed.length > 0)
      context.log(
        `Stalled imports queued again: ${requeued.join(", ") || "none"}; failed: ${failed.join(", ") || "none"}`,
      );
    const uploads = await imports.settleOverdueUploads();
    if (uploads.arrived.length + uploads.failed.length > 0)
      context.log(
        `Overdue uploads read: ${uploads.arrived.join(", ") || "none"}; failed: ${uploads.failed.join(", ") || "none"}`,
      );
  },
});
