import type { OpenApiDocument } from '../openapi.document';
import { errorResponses, okResponse } from '../openapi-helpers';

/** Harbor's `/configurations`. */

const configurations = {
  type: 'object' as const,
  description:
    'Each setting as {value, editable}: audit_log_forward_endpoint, skip_audit_log_database and pull_audit_log_disable may be changed; the rest is fixed.',
  additionalProperties: {
    type: 'object' as const,
    properties: { editable: { type: 'boolean' as const } },
  },
};

export const configurationsPaths: OpenApiDocument['paths'] = {
  '/configurations': {
    get: {
      operationId: 'getConfigurations',
      summary: 'The system configurations (system admin).',
      tags: ['configure'],
      responses: {
        '200': okResponse('The configurations.', configurations),
        ...errorResponses('Unauthorized', 'Forbidden', 'InternalServerError'),
      },
    },
    put: {
      operationId: 'updateConfigurations',
      summary:
        'Change some settings: a JSON object of keys and values, all checked before any is stored (system admin).',
      tags: ['configure'],
      responses: {
        '200': okResponse('Updated.'),
        ...errorResponses(
          'BadRequest',
          'Unauthorized',
          'Forbidden',
          'UnsupportedMediaType',
          'InternalServerError',
        ),
      },
    },
  },
};
