import { HttpRequest } from "@azure/functions";
import { ApiResponse, problem } from "../../shared/http/apiResponse";

/** The request's JSON body (an empty body reads as `{}`), or the 400 problem that says why it is not JSON. */
export async function readJsonBody(request: HttpRequest): Promise<{ value: unknown } | { problem: ApiResponse }> {
  try {
    return { value: JSON.parse((await request.text()) || "{}") };
  } catch (error) {
    return { problem: problem(400, `The body is not valid JSON: ${(error as Error).message}`) };
  }
}
