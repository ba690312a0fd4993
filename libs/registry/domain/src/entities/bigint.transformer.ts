import type { ValueTransformer } from 'typeorm';

// PostgreSQL returns bigint as a string; blob sizes and offsets stay below 2^53.
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
