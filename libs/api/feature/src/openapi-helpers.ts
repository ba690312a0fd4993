import type { OpenApiSchema } from '@berth/api/domain';
import type { OpenApiOperation, OpenApiParameter, OpenApiResponse } from './openapi.document';

// Inline, not `$ref`s: the API's conformance test reads each response's content directly.
const ERROR_STATUS: Record<string, string> = {
  BadRequest: '400',
  Unauthorized: '401',
  Forbidden: '403',
  NotFound: '404',
  Conflict: '409',
  PreconditionFailed: '412',
  UnsupportedMediaType: '415',
  UnprocessableEntity: '422',
  InternalServerError: '500',
};

export const jsonContent = (schema: OpenApiSchema) => ({ 'application/json': { schema } });

/** Harbor's error responses by name, each with the error body. */
export const errorResponses = (...names: string[]): OpenApiOperation['responses'] =>
  Object.fromEntries(
    names.map((n): [string, OpenApiResponse] => [
      ERROR_STATUS[n],
      {
        description: n.replace(/([a-z])([A-Z])/g, '$1 $2'),
        headers: {
          'X-Request-Id': { description: 'The ID of the request', schema: { type: 'string' } },
        },
        content: jsonContent({ $ref: '#/components/schemas/Errors' }),
      },
    ]),
  );

export const okResponse = (description: string, schema?: OpenApiSchema): OpenApiResponse => ({
  description,
  ...(schema && { content: jsonContent(schema) }),
});

export const textResponse = (description: string): OpenApiResponse => ({
  description,
  content: { 'text/plain': { schema: { type: 'string' } } },
});

export const pageOf = (description: string, items: OpenApiSchema): OpenApiResponse => ({
  description,
  headers: {
    'X-Total-Count': { description: 'The total count of items', schema: { type: 'integer' } },
    Link: { description: 'Links to the previous and next pages', schema: { type: 'string' } },
  },
  content: jsonContent({ type: 'array', items }),
});

export const createdResponse: OpenApiResponse = {
  description: 'Created.',
  headers: {
    Location: { description: 'The URL of the created resource.', schema: { type: 'string' } },
  },
};

export const paramRef = (name: string): { $ref: string } => ({
  $ref: `#/components/parameters/${name}`,
});

export const pathParam = (
  name: string,
  description: string,
  type: 'integer' | 'string' = 'integer',
): OpenApiParameter => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: type === 'integer' ? { type: 'integer', format: 'int64' } : { type: 'string' },
});

export const LIST_PARAMS = [
  paramRef('page'),
  paramRef('pageSize'),
  paramRef('query'),
  paramRef('sort'),
];
export const READ_ERRORS = [
  'BadRequest',
  'Unauthorized',
  'Forbidden',
  'NotFound',
  'InternalServerError',
];
export const WRITE_ERRORS = [...READ_ERRORS, 'UnsupportedMediaType'];
