import { Controller, UseFilters, applyDecorators } from '@nestjs/common';
import { HarborErrorFilter } from './harbor-error.filter';

export const API_PREFIX = '/api/v2.0';

/**
 * A controller of the Harbor-compatible API: mounted under /api/v2.0, its errors answered with
 * Harbor's error body. Every route it adds must also be described in openapi.document.ts.
 */
export function HarborApiController(path = ''): ClassDecorator {
  return applyDecorators(
    Controller(path ? `api/v2.0/${path.replace(/^\/+/, '')}` : 'api/v2.0'),
    UseFilters(HarborErrorFilter),
  );
}
