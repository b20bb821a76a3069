import { app } from "@azure/functions";

import { appStorage } from "../../shared/storage/appStorage";

// Uploads are streamed to Blob Storage; without HTTP streaming the runtime buffers whole request bodies.
app.setup({ enableHttpStream: true });

// Storage settings the app cannot use stop it at load with one clear line, not at the first request.
appStorage();
