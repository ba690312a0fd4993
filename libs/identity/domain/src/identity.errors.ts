import { HttpException } from '@nestjs/common';

export type IdentityErrorCode =
  'BAD_REQUEST' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'TOO_MANY_REQUESTS';

const STATUS: Record<IdentityErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
};

/** A refusal with Harbor's error body, `{"errors":[{"code","message"}]}`; Nest renders it as is. */
export class IdentityError extends HttpException {
  constructor(
    readonly code: IdentityErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super({ errors: [{ code, message }] }, STATUS[code]);
  }
}
