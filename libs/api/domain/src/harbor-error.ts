/**
 * Harbor's error body, `{"errors":[{"code","message"}]}`, and the codes Harbor answers with
 * (src/lib/errors/const.go and src/lib/http/error.go in goharbor/harbor).
 */
export type HarborErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'DENIED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'PRECONDITION'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNPROCESSABLE_ENTITY'
  | 'TOO_MANY_REQUESTS'
  | 'UNKNOWN'
  // Derived from any other HTTP status the way Harbor does: upper-cased status text.
  | (string & {});

export interface HarborErrorBody {
  errors: Array<{ code: string; message: string }>;
}

const STATUS_OF_CODE: Record<string, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  DENIED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PRECONDITION: 412,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE_ENTITY: 422,
  TOO_MANY_REQUESTS: 429,
  UNKNOWN: 500,
};

// Go's http.StatusText, which Harbor upper-cases into a code for errors raised before a handler.
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  414: 'Request URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
};

/** The code Harbor gives an error with this HTTP status. Every 5xx is Harbor's `UNKNOWN`. */
export function harborCodeForStatus(status: number): HarborErrorCode {
  if (status >= 500) return 'UNKNOWN';
  if (status === 412) return 'PRECONDITION';
  const text = STATUS_TEXT[status];
  return text ? text.toUpperCase().replace(/ /g, '_') : 'BAD_REQUEST';
}

/** An error answered on /api/v2.0 with its status and Harbor's body. */
export class HarborApiError extends Error {
  override readonly name = 'HarborApiError';

  constructor(
    readonly code: HarborErrorCode,
    message: string,
    readonly status: number = STATUS_OF_CODE[code] ?? 500,
  ) {
    super(message);
  }

  toBody(): HarborErrorBody {
    return harborErrorBody(this.code, this.message);
  }
}

export function harborErrorBody(code: HarborErrorCode, message: string): HarborErrorBody {
  return { errors: [{ code, message }] };
}

export const badRequest = (message: string): HarborApiError =>
  new HarborApiError('BAD_REQUEST', message);
export const unauthorized = (message = 'unauthorized'): HarborApiError =>
  new HarborApiError('UNAUTHORIZED', message);
export const forbidden = (message = 'forbidden'): HarborApiError =>
  new HarborApiError('FORBIDDEN', message);
export const notFound = (message = 'resource not found'): HarborApiError =>
  new HarborApiError('NOT_FOUND', message);
export const conflict = (message = 'resource conflict'): HarborApiError =>
  new HarborApiError('CONFLICT', message);
export const preconditionFailed = (message = 'precondition failed'): HarborApiError =>
  new HarborApiError('PRECONDITION', message);
