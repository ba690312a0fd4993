import { badRequest, notFound } from '@berth/api/domain';
import {
  RequestAuthenticator,
  type AuthenticatableRequest,
  type Principal,
} from '@berth/identity/domain';
import type { ProjectRef } from '@berth/projects/domain';

/** The caller of a projects route; anonymous callers pass, the use cases decide. */
export async function callerOf(
  authenticator: RequestAuthenticator,
  req: AuthenticatableRequest,
): Promise<Principal> {
  return (await authenticator.authenticateRequest(req)).principal;
}

/** `{project_name_or_id}` with Harbor's `X-Is-Resource-Name` header. */
export function projectRef(nameOrId: string, req: AuthenticatableRequest): ProjectRef {
  const header = req.headers['x-is-resource-name'];
  return { nameOrId, isResourceName: (Array.isArray(header) ? header[0] : header) === 'true' };
}

/** A numeric path id; anything else names no such object. */
export function idParam(raw: string, what: string): number {
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw notFound(`${what} ${raw.slice(0, 32)} not found`);
  return Number(raw);
}

export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('the request body must be a JSON object');
  return body as Record<string, unknown>;
}
