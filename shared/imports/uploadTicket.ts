import { Static, Type } from "@sinclair/typebox";

import { OneOf } from "../schema";

/** The large-file path's answer: the job, and where and how to PUT its file. */
export const UploadTicketSchema = Type.Object(
  {
    code: Type.String(),
    uploadUrl: Type.String({
      format: "uri",
      description: "SAS URL: create and write on exactly this job's file, for 60 minutes",
    }),
    expiresOn: Type.String({ format: "date-time" }),
    method: OneOf(["PUT"]),
    headers: Type.Object({ "x-ms-blob-type": OneOf(["BlockBlob"]) }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

export type UploadTicket = Static<typeof UploadTicketSchema>;
