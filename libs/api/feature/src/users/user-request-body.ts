import { badRequest, HarborApiError } from '@berth/api/domain';

/** A JSON request body as an object; anything else is a 400. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('the request body must be a JSON object');
  return body as Record<string, unknown>;
}

export function requiredString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw badRequest(`${field} is required`);
  return value;
}

export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${field} must be a string`);
  return value;
}

/**
 * The `{user_id}` path parameter. Go-swagger answers a value that is not an int64 with 422, so
 * does Berth; an id that fits but names nobody is the use case's 404.
 */
export function userIdParam(raw: string): number {
  const id = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id))
    throw new HarborApiError('UNPROCESSABLE_ENTITY', 'user_id in path must be of type int64');
  return id;
}
