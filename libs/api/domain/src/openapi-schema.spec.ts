import { describe, expect, it } from 'vitest';
import { schemaViolations, type OpenApiSchema } from './openapi-schema';

const components: Record<string, OpenApiSchema> = {
  Error: {
    type: 'object',
    required: ['code', 'message'],
    additionalProperties: false,
    properties: { code: { type: 'string' }, message: { type: 'string' } },
  },
  Errors: {
    type: 'object',
    required: ['errors'],
    properties: {
      errors: { type: 'array', minItems: 1, items: { $ref: '#/components/schemas/Error' } },
    },
  },
};
const errors: OpenApiSchema = { $ref: '#/components/schemas/Errors' };

describe('schemaViolations', () => {
  it.each([
    [{ errors: [{ code: 'NOT_FOUND', message: 'x' }] }, []],
    [{ errors: [] }, ['$.errors: fewer than 1 items']],
    [{ errors: [{ code: 1, message: 'x' }] }, ['$.errors[0].code: expected a string']],
    [{ errors: [{ code: 'X' }] }, ['$.errors[0].message: is required']],
    [
      { errors: [{ code: 'X', message: 'm', stack: 's' }] },
      ['$.errors[0].stack: is not documented'],
    ],
    [{ statusCode: 404 }, ['$.errors: is required']],
    [null, ['$: is null']],
    ['Pong', ['$: expected an object']],
  ])('checks %j', (value, expected) => {
    expect(schemaViolations(value, errors, components)).toEqual(expected);
  });

  it.each([
    [{ type: 'string', format: 'date-time' }, '2024-01-01T00:00:00.000Z', 0],
    [{ type: 'string', format: 'date-time' }, 'yesterday', 1],
    [{ type: 'string', enum: ['a'] }, 'b', 1],
    [{ type: 'integer', minimum: 1, maximum: 3 }, 2, 0],
    [{ type: 'integer', minimum: 1 }, 0, 1],
    [{ type: 'integer' }, 1.5, 1],
    [{ type: 'boolean' }, 'true', 1],
    [{ $ref: '#/components/schemas/Nope' }, {}, 1],
    [{ type: 'string', pattern: '^a' } as unknown as OpenApiSchema, 'a', 1],
  ])('%j against %j has %i problems', (schema, value, count) => {
    expect(schemaViolations(value, schema as OpenApiSchema, components)).toHaveLength(count);
  });
});
