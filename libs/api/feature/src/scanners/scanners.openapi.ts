import type { OpenApiSchema } from '@berth/api/domain';
import type { OpenApiDocument, OpenApiParameter } from '../openapi.document';
import {
  LIST_PARAMS,
  READ_ERRORS,
  WRITE_ERRORS,
  createdResponse,
  errorResponses,
  okResponse,
  pageOf,
  pathParam,
} from '../openapi-helpers';

/** Harbor's scanner registration paths and a project's scanner. */

const onRegistration: OpenApiParameter[] = [
  pathParam('registration_id', 'The registration uuid.', 'string'),
];
const onProject: OpenApiParameter[] = [
  pathParam(
    'project_name_or_id',
    'The project name or id; with X-Is-Resource-Name: true it is always read as a name.',
    'string',
  ),
  {
    name: 'X-Is-Resource-Name',
    in: 'header',
    description: 'true: project_name_or_id is a name.',
    schema: { type: 'boolean', default: false },
  },
];

export const scannerRegistrationSchema: OpenApiSchema = {
  type: 'object',
  required: ['uuid', 'name', 'url', 'disabled', 'is_default', 'auth', 'access_credential'],
  properties: {
    uuid: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    url: {
      type: 'string',
      description: 'The adapter’s base URL; `builtin:` for Berth’s own scanner.',
    },
    disabled: { type: 'boolean' },
    is_default: { type: 'boolean' },
    auth: { type: 'string', enum: ['', 'Basic', 'Bearer', 'X-ScannerAdapter-API-Key'] },
    access_credential: {
      type: 'string',
      description: 'Never the stored credential: `*****` when one is set, else empty.',
    },
    skip_cert_verify: { type: 'boolean' },
    use_internal_addr: { type: 'boolean' },
    create_time: { type: 'string', format: 'date-time' },
    update_time: { type: 'string', format: 'date-time' },
    adapter: { type: 'string' },
    vendor: { type: 'string' },
    version: { type: 'string' },
    health: { type: 'string' },
  },
};

const adapterMetadataSchema: OpenApiSchema = {
  type: 'object',
  required: ['scanner', 'capabilities'],
  properties: {
    scanner: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        vendor: { type: 'string' },
        version: { type: 'string' },
      },
    },
    capabilities: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          type: { type: 'string' },
          consumes_mime_types: { type: 'array', items: { type: 'string' } },
          produces_mime_types: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    properties: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

const sysadminRead = errorResponses('Unauthorized', 'Forbidden', 'NotFound', 'InternalServerError');
const sysadminWrite = errorResponses(
  'BadRequest',
  'Unauthorized',
  'Forbidden',
  'NotFound',
  'Conflict',
  'UnsupportedMediaType',
  'InternalServerError',
);

export const scannersPaths: OpenApiDocument['paths'] = {
  '/scanners': {
    get: {
      operationId: 'listScanners',
      summary: 'The scanner registrations (system admin).',
      tags: ['scanner'],
      parameters: LIST_PARAMS,
      responses: {
        '200': pageOf('The registrations.', scannerRegistrationSchema),
        ...errorResponses('BadRequest', 'Unauthorized', 'Forbidden', 'InternalServerError'),
      },
    },
    post: {
      operationId: 'createScanner',
      summary:
        'Register an external Pluggable Scanner API adapter: {name, url, description, auth, access_credential, skip_cert_verify, use_internal_addr, disabled} (system admin).',
      tags: ['scanner'],
      responses: { '201': createdResponse, ...sysadminWrite },
    },
  },
  '/scanners/ping': {
    post: {
      operationId: 'pingScanner',
      summary:
        'Check that an adapter answers its metadata with these settings: {name, url, auth, access_credential} (system admin).',
      tags: ['scanner'],
      responses: { '200': okResponse('The adapter answered.'), ...sysadminWrite },
    },
  },
  '/scanners/{registration_id}': {
    get: {
      operationId: 'getScanner',
      summary: 'A scanner registration (system admin).',
      tags: ['scanner'],
      parameters: onRegistration,
      responses: {
        '200': okResponse('The registration.', scannerRegistrationSchema),
        ...sysadminRead,
      },
    },
    put: {
      operationId: 'updateScanner',
      summary:
        'Replace a registration’s settings; an absent or masked access_credential keeps the stored one (system admin).',
      tags: ['scanner'],
      parameters: onRegistration,
      responses: { '200': okResponse('Updated.'), ...sysadminWrite },
    },
    patch: {
      operationId: 'setScannerAsDefault',
      summary: 'Make the registration the system default: {"is_default": true} (system admin).',
      tags: ['scanner'],
      parameters: onRegistration,
      responses: { '200': okResponse('Updated.'), ...sysadminWrite },
    },
    delete: {
      operationId: 'deleteScanner',
      summary: 'Remove a registration other than the built-in or the default one (system admin).',
      tags: ['scanner'],
      parameters: onRegistration,
      responses: {
        '200': okResponse('The removed registration.', scannerRegistrationSchema),
        ...sysadminRead,
      },
    },
  },
  '/scanners/{registration_id}/metadata': {
    get: {
      operationId: 'getScannerMetadata',
      summary: 'The adapter’s metadata and capabilities, asked of the adapter (system admin).',
      tags: ['scanner'],
      parameters: onRegistration,
      responses: {
        '200': okResponse('The metadata.', adapterMetadataSchema),
        ...errorResponses(
          'BadRequest',
          'Unauthorized',
          'Forbidden',
          'NotFound',
          'InternalServerError',
        ),
      },
    },
  },
  '/projects/{project_name_or_id}/scanner': {
    get: {
      operationId: 'getScannerOfProject',
      summary: 'The registration that scans the project: its choice, else the default (members).',
      tags: ['project'],
      parameters: onProject,
      responses: {
        '200': okResponse('The registration.', scannerRegistrationSchema),
        ...errorResponses(...READ_ERRORS),
      },
    },
    put: {
      operationId: 'setScannerOfProject',
      summary: 'Choose the project’s scanner: {"uuid": "…"} (project admin).',
      tags: ['project'],
      parameters: onProject,
      responses: { '200': okResponse('Set.'), ...errorResponses(...WRITE_ERRORS) },
    },
  },
  '/projects/{project_name_or_id}/scanner/candidates': {
    get: {
      operationId: 'listScannerCandidatesOfProject',
      summary: 'The enabled registrations the project may choose from (project admin).',
      tags: ['project'],
      parameters: [...onProject, ...LIST_PARAMS],
      responses: {
        '200': pageOf('The registrations.', scannerRegistrationSchema),
        ...errorResponses(...READ_ERRORS),
      },
    },
  },
};
