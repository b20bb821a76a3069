import { app } from "@azure/functions";

// Uploads are streamed to Blob Storage; without HTTP streaming the runtime buffers whole request bodies.
app.setup({ enableHttpStream: true });
