import type { ValueTransformer } from 'typeorm';

// PostgreSQL hands bigint back as a string.
export const bigintNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null ? null : Number(v)),
};

/** A JSON document in a text column, always read whole. */
export function jsonColumn<T>(): ValueTransformer {
  return {
    to: (v: T) => JSON.stringify(v),
    from: (v: string) => JSON.parse(v) as T,
  };
}
