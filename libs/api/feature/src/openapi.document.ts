import {
  BERTH_VERSION,
  DEFAULT_PAGE,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type OpenApiSchema,
} from '@berth/api/domain';
import { auditPaths } from './audit/audit.openapi';
import { configurationsPaths } from './configurations/configurations.openapi';
import { projectsPaths } from './projects/projects.openapi';
import { repositoriesPaths } from './repositories/repositories.openapi';
import { robotsPaths } from './robots/robots.openapi';
import { usersPaths, usersSchemas } from './users/users.openapi';
import { webhooksPaths } from './webhooks/webhooks.openapi';
import { scansPaths } from './scans/scans.openapi';
import { systemCveAllowlistPaths } from './system-cve-allowlist/system-cve-allowlist.openapi';
import { scannersPaths } from './scanners/scanners.openapi';

/**
 * The OpenAPI 3 description of what Berth's /api/v2.0 serves today, written by hand after
 * Harbor's swagger (same paths, field names, parameters). A route added to the API without an
 * entry here, or an entry without a route, fails openapi-conformance in the integration suite.
 */

export interface OpenApiParameter {
  name: string;
  in: 'query' | 'path' | 'header';
  description: string;
  required?: boolean;
  schema: OpenApiSchema;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, { description: string; schema: OpenApiSchema }>;
  content?: Record<string, { schema: OpenApiSchema }>;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  tags: string[];
  parameters?: Array<OpenApiParameter | { $ref: string }>;
  responses: Record<string, OpenApiResponse | { $ref: string }>;
}

export interface OpenApiDocument {
  openapi: '3.0.3';
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string }>;
  paths: Record<
    string,
    Partial<Record<'get' | 'post' | 'put' | 'patch' | 'delete', OpenApiOperation>>
  >;
  components: {
    schemas: Record<string, OpenApiSchema>;
    parameters: Record<string, OpenApiParameter>;
    responses: Record<string, OpenApiResponse>;
  };
}

const json = (schema: OpenApiSchema): OpenApiResponse['content'] => ({
  'application/json': { schema },
});
const ref = (name: string): OpenApiSchema => ({ $ref: `#/components/schemas/${name}` });
const errorResponse = (description: string): OpenApiResponse => ({
  description,
  headers: {
    'X-Request-Id': {
      description: 'The ID of the corresponding request for the response',
      schema: { type: 'string' },
    },
  },
  content: json(ref('Errors')),
});

export const openApiDocument: OpenApiDocument = {
  openapi: '3.0.3',
  info: {
    title: 'Berth API',
    version: BERTH_VERSION,
    description:
      'Berth\'s Harbor v2.0 compatible management API. Errors are `{"errors":[{"code","message"}]}`; lists take `page`, `page_size`, `q` and `sort` and answer `X-Total-Count` and `Link`.',
  },
  servers: [{ url: '/api/v2.0' }],
  paths: {
    '/ping': {
      get: {
        operationId: 'getPing',
        summary: 'Ping the API, without authentication.',
        tags: ['ping'],
        responses: {
          '200': {
            description: 'The API is up.',
            content: { 'text/plain': { schema: { type: 'string', enum: ['Pong'] } } },
          },
        },
      },
    },
    '/health': {
      get: {
        operationId: 'getHealth',
        summary: "The health of Berth's components.",
        tags: ['health'],
        responses: {
          '200': { description: 'The health status.', content: json(ref('OverallHealthStatus')) },
          '500': { $ref: '#/components/responses/InternalServerError' },
        },
      },
    },
    '/systeminfo': {
      get: {
        operationId: 'getSystemInfo',
        summary: 'General system information, readable without authentication.',
        tags: ['systeminfo'],
        responses: {
          '200': { description: 'The general information.', content: json(ref('GeneralInfo')) },
          '500': { $ref: '#/components/responses/InternalServerError' },
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'getOpenApiDocument',
        summary: 'This document.',
        tags: ['openapi'],
        responses: {
          '200': {
            description: 'The OpenAPI 3 document.',
            content: json({ type: 'object', required: ['openapi', 'info', 'paths'] }),
          },
        },
      },
    },
    ...usersPaths,
    ...projectsPaths,
    ...repositoriesPaths,
    ...robotsPaths,
    ...webhooksPaths,
    ...auditPaths,
    ...configurationsPaths,
    ...scansPaths,
    ...systemCveAllowlistPaths,
    ...scannersPaths,
  },
  components: {
    schemas: {
      Errors: {
        type: 'object',
        description: 'The error array describing why a request failed.',
        required: ['errors'],
        additionalProperties: false,
        properties: { errors: { type: 'array', minItems: 1, items: ref('Error') } },
      },
      Error: {
        type: 'object',
        description: 'A detailed error.',
        required: ['code', 'message'],
        additionalProperties: false,
        properties: {
          code: {
            type: 'string',
            description:
              'BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, METHOD_NOT_ALLOWED, CONFLICT, PRECONDITION, UNSUPPORTED_MEDIA_TYPE, UNPROCESSABLE_ENTITY, UNKNOWN, …',
          },
          message: { type: 'string', description: 'What went wrong.' },
        },
      },
      OverallHealthStatus: {
        type: 'object',
        required: ['status', 'components'],
        additionalProperties: false,
        properties: {
          status: {
            type: 'string',
            enum: ['healthy', 'unhealthy'],
            description: 'healthy when every component is.',
          },
          components: { type: 'array', items: ref('ComponentHealthStatus') },
        },
      },
      ComponentHealthStatus: {
        type: 'object',
        required: ['name', 'status'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', description: 'database, storage or messaging.' },
          status: { type: 'string', enum: ['healthy', 'unhealthy'] },
          error: { type: 'string', description: 'Why the component is unhealthy.' },
        },
      },
      GeneralInfo: {
        type: 'object',
        additionalProperties: false,
        required: [
          'banner_message',
          'current_time',
          'registry_url',
          'external_url',
          'auth_mode',
          'primary_auth_mode',
          'self_registration',
          'has_ca_root',
          'harbor_version',
          'read_only',
          'with_chartmuseum',
          'notification_enable',
        ],
        properties: {
          banner_message: { type: 'string', description: 'The banner shown in the portal.' },
          current_time: { type: 'string', format: 'date-time', description: 'The server time.' },
          registry_url: {
            type: 'string',
            description: 'The host (and port) docker clients log in to.',
          },
          external_url: { type: 'string', description: 'The URL clients reach Berth at.' },
          auth_mode: { type: 'string', enum: ['db_auth'], description: 'Users live in Berth.' },
          primary_auth_mode: { type: 'boolean' },
          self_registration: { type: 'boolean' },
          has_ca_root: { type: 'boolean' },
          harbor_version: { type: 'string', description: "Berth's version." },
          read_only: { type: 'boolean' },
          with_chartmuseum: { type: 'boolean' },
          notification_enable: { type: 'boolean' },
          scanner_db: {
            type: 'object',
            nullable: true,
            description:
              "Berth's own, for signed-in users: the scanner's vulnerability database (null before one was loaded).",
            properties: {
              loaded_at: { type: 'string', format: 'date-time' },
              newest_advisory: { type: 'string', nullable: true },
              advisories: { type: 'integer' },
            },
          },
        },
      },
      ...usersSchemas,
    },
    parameters: {
      page: {
        name: 'page',
        in: 'query',
        description: 'The page number.',
        schema: { type: 'integer', format: 'int64', minimum: 1, default: DEFAULT_PAGE },
      },
      pageSize: {
        name: 'page_size',
        in: 'query',
        description: 'The size of a page.',
        schema: {
          type: 'integer',
          format: 'int64',
          minimum: 1,
          maximum: MAX_PAGE_SIZE,
          default: DEFAULT_PAGE_SIZE,
        },
      },
      query: {
        name: 'q',
        in: 'query',
        description:
          'Filter: exact k=v, fuzzy k=~v, range k=[min~max], or-list k={v1 v2}, and-list k=(v1 v2), terms separated by commas; only the fields an endpoint lists.',
        schema: { type: 'string' },
      },
      sort: {
        name: 'sort',
        in: 'query',
        description: 'Sort by fields, e.g. sort=name,-creation_time; "-" sorts descending.',
        schema: { type: 'string' },
      },
      requestId: {
        name: 'X-Request-Id',
        in: 'header',
        description: 'An ID to correlate the request with logs; generated when absent.',
        schema: { type: 'string' },
      },
    },
    responses: {
      BadRequest: errorResponse('Bad request'),
      Unauthorized: errorResponse('Unauthorized'),
      Forbidden: errorResponse('Forbidden'),
      NotFound: errorResponse('Not found'),
      MethodNotAllowed: errorResponse('Method not allowed'),
      Conflict: errorResponse('Conflict'),
      PreconditionFailed: errorResponse('Precondition failed'),
      UnsupportedMediaType: errorResponse('Unsupported media type'),
      UnprocessableEntity: errorResponse('Invalid paging parameters'),
      InternalServerError: errorResponse('Internal server error'),
    },
  },
};
