import { HttpHandler, HttpRequest, InvocationContext } from "@azure/functions";

import { AppServices, appServices } from "../../shared/appServices";
import { ApiResponse, problem, storageAway } from "../../shared/http/apiResponse";
import { describeStorageError } from "../../shared/storage/describeStorageError";
import { isStorageUnavailable } from "../../shared/storage/storageUnavailable";

/**
 * The frame of every tenant route: the x-api-key check (401, 403), then the operation; an unexpected failure
 * is logged and answered as a problem, never as a stack trace.
 */
export function tenantRoute(
  operation: (request: HttpRequest, services: AppServices, tenant: string) => Promise<ApiResponse>,
): HttpHandler {
  return async (request: HttpRequest, context: InvocationContext) => {
    try {
      const services = await appServices();
      const tenant = request.params.tenant;
      return (
        (await services.checkAccess(request.headers.get("x-api-key"), tenant)) ??
        (await operation(request, services, tenant))
      );
    } catch (error) {
      const where = `${request.method} ${new URL(request.url).pathname} (invocation ${context.invocationId})`;
      if (isStorageUnavailable(error)) {
        context.warn(`${where}: storage is not answering: ${describeStorageError(error)}`);
        return storageAway();
      }
      context.error(`${where} failed`, error);
      return problem(500, `The request failed on our side (invocation ${context.invocationId}); please try again`);
    }
  };
}
