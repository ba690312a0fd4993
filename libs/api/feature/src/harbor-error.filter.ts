import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  HarborApiError,
  harborCodeForStatus,
  harborErrorBody,
  type HarborErrorBody,
} from '@berth/api/domain';

const logger = new Logger('Api');

/** 405 with the methods the path does answer, for the `Allow` header. */
export class MethodNotAllowedError extends HarborApiError {
  constructor(
    method: string,
    readonly allow: string[],
  ) {
    super('METHOD_NOT_ALLOWED', `method ${method} is not allowed, but [${allow.join(' ')}] are`);
  }
}

export interface HarborErrorResponse {
  status: number;
  body: HarborErrorBody;
  headers?: Record<string, string>;
}

/**
 * Any error as Harbor answers it: HarborApiError as given; HTTP exceptions and Fastify's own
 * 4xx errors (bad JSON, unsupported media type, body too large) by their status; anything else
 * is a bug, logged with its stack and answered 500 UNKNOWN "internal server error" — nothing
 * about it reaches the client.
 */
export function toHarborError(error: unknown): HarborErrorResponse {
  if (error instanceof HarborApiError) {
    const headers =
      error instanceof MethodNotAllowedError ? { Allow: error.allow.join(', ') } : undefined;
    return { status: error.status, body: error.toBody(), ...(headers && { headers }) };
  }
  const status = statusOf(error);
  if (status !== undefined && status >= 400 && status < 500) {
    return { status, body: harborErrorBody(harborCodeForStatus(status), messageOf(error, status)) };
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return { status: 500, body: harborErrorBody('UNKNOWN', 'internal server error') };
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof HttpException) return error.getStatus();
  // Fastify's errors (FST_ERR_CTP_*) and body-parser errors carry a statusCode.
  if (error instanceof Error && 'statusCode' in error && typeof error.statusCode === 'number')
    return error.statusCode;
  return undefined;
}

function messageOf(error: unknown, status: number): string {
  let message: unknown;
  if (error instanceof HttpException) {
    const response = error.getResponse();
    message =
      typeof response === 'string'
        ? response
        : ((response as { message?: unknown }).message ?? error.message);
    if (Array.isArray(message)) message = message.join('; ');
  } else if (error instanceof Error) {
    message = error.message;
  }
  const text = typeof message === 'string' && message !== '' ? message : undefined;
  return text ?? harborCodeForStatus(status).toLowerCase().replace(/_/g, ' ');
}

export function sendHarborError(reply: FastifyReply, error: unknown): void {
  if (reply.sent) return;
  const { status, body, headers } = toHarborError(error);
  if (headers) reply.headers(headers);
  void reply.status(status).header('Content-Type', 'application/json; charset=utf-8').send(body);
}

/** Renders every error thrown by an /api/v2.0 controller as Harbor's error body. */
@Catch()
export class HarborErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    sendHarborError(host.switchToHttp().getResponse<FastifyReply>(), error);
  }
}
