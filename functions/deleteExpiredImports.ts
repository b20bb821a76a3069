import "./runtime/appSetup";

import { app } from "@azure/functions";

import { appServices } from "../shared/appServices";

// Daily, at a quiet hour for UK practices.
app.timer("deleteExpiredImports", {
  schedule: "0 30 2 * * *",
  handler: async (_timer, context) => {
    const { retention } = await appServices();
    const { filesDeleted, abandoned, recordsDeleted, receiptsDeleted } = await retention.sweep();
    context.log(
      `Retention: files of ${filesDeleted.length} ended imports deleted, ${abandoned.length} previews never started cancelled, ${recordsDeleted.length} import records and ${receiptsDeleted} upload receipts deleted`,
    );
  },
});
