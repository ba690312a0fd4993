import { All, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { notFound } from '@berth/api/domain';
import { ApiRouteTable } from './api-route-table';
import { HarborApiController } from './harbor-api.decorator';
import { MethodNotAllowedError } from './harbor-error.filter';

/**
 * Answers what no API route matches under /api/v2.0: 405 when the path exists with another
 * method, 404 NOT_FOUND otherwise — in Harbor's error body rather than Nest's.
 */
@HarborApiController()
export class FallbackController {
  constructor(private readonly routes: ApiRouteTable) {}

  @All()
  root(@Req() req: FastifyRequest): never {
    return this.unmatched(req);
  }

  @All('*')
  unmatched(@Req() req: FastifyRequest): never {
    const path = req.url.split('?', 1)[0];
    const allow = this.routes.methodsFor(path);
    if (allow.length > 0) throw new MethodNotAllowedError(req.method, allow);
    throw notFound(`path ${path.length > 200 ? `${path.slice(0, 200)}…` : path} was not found`);
  }
}
