/**
 * A checker for the subset of OpenAPI 3 schema objects Berth's document uses, so tests can hold
 * real responses to the documented schemas without a JSON Schema dependency.
 */
export interface OpenApiSchema {
  $ref?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  enum?: readonly unknown[];
  properties?: Readonly<Record<string, OpenApiSchema>>;
  required?: readonly string[];
  additionalProperties?: boolean | OpenApiSchema;
  items?: OpenApiSchema;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  nullable?: boolean;
  description?: string;
  example?: unknown;
  default?: unknown;
}

const SUPPORTED = new Set([
  '$ref',
  'type',
  'format',
  'enum',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minimum',
  'maximum',
  'minItems',
  'nullable',
  'description',
  'example',
  'default',
]);

/**
 * Every way `value` departs from `schema`, as `path: problem` lines; empty when it conforms.
 * `components` resolves `#/components/schemas/<name>` references. A keyword the checker does not
 * know is itself reported, so the document cannot silently outgrow it.
 */
export function schemaViolations(
  value: unknown,
  schema: OpenApiSchema,
  components: Readonly<Record<string, OpenApiSchema>> = {},
  path = '$',
): string[] {
  const unknown = Object.keys(schema).filter((k) => !SUPPORTED.has(k));
  if (unknown.length > 0)
    return [`${path}: schema uses unsupported keywords ${unknown.join(', ')}`];
  if (schema.$ref) {
    const name = schema.$ref.replace(/^#\/components\/schemas\//, '');
    const target = components[name];
    if (!target) return [`${path}: unresolved $ref ${schema.$ref}`];
    return schemaViolations(value, target, components, path);
  }
  if (value === null) return schema.nullable ? [] : [`${path}: is null`];
  if (schema.enum && !schema.enum.includes(value))
    return [`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  switch (schema.type) {
    case undefined:
      return [];
    case 'string':
      if (typeof value !== 'string') return [`${path}: expected a string`];
      if (
        schema.format === 'date-time' &&
        !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)
      )
        return [`${path}: ${value} is not a date-time`];
      return [];
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value)))
        return [`${path}: expected ${schema.type === 'integer' ? 'an integer' : 'a number'}`];
      if (schema.minimum !== undefined && value < schema.minimum)
        return [`${path}: below ${schema.minimum}`];
      if (schema.maximum !== undefined && value > schema.maximum)
        return [`${path}: above ${schema.maximum}`];
      return [];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
    case 'array': {
      if (!Array.isArray(value)) return [`${path}: expected an array`];
      if (schema.minItems !== undefined && value.length < schema.minItems)
        return [`${path}: fewer than ${schema.minItems} items`];
      const items = schema.items;
      return items
        ? value.flatMap((v, i) => schemaViolations(v, items, components, `${path}[${i}]`))
        : [];
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object`];
      const record = value as Record<string, unknown>;
      const props = schema.properties ?? {};
      const problems = (schema.required ?? [])
        .filter((k) => !(k in record))
        .map((k) => `${path}.${k}: is required`);
      for (const [k, v] of Object.entries(record)) {
        const prop = Object.hasOwn(props, k) ? props[k] : undefined;
        if (prop) problems.push(...schemaViolations(v, prop, components, `${path}.${k}`));
        else if (schema.additionalProperties === false)
          problems.push(`${path}.${k}: is not documented`);
        else if (typeof schema.additionalProperties === 'object')
          problems.push(
            ...schemaViolations(v, schema.additionalProperties, components, `${path}.${k}`),
          );
      }
      return problems;
    }
  }
}
