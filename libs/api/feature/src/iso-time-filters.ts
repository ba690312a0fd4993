import type { ListQuery } from '@berth/api/domain';

/**
 * Time filters as ISO 8601 text: the tables keep times as ISO strings, which compare in time
 * order as text on every driver, while a bound Date would be written in each driver's own form.
 */
export function isoTimeFilters(query: ListQuery): ListQuery {
  const iso = <T>(v: T): T | string => (v instanceof Date ? v.toISOString() : v);
  return {
    sorts: query.sorts,
    filters: query.filters.map((c) => {
      switch (c.kind) {
        case 'exact':
          return { ...c, value: iso(c.value) };
        case 'range':
          return {
            ...c,
            ...(c.min !== undefined && { min: iso(c.min) }),
            ...(c.max !== undefined && { max: iso(c.max) }),
          };
        case 'or':
        case 'and':
          return { ...c, values: c.values.map(iso) };
        case 'fuzzy':
          return c;
      }
    }),
  };
}
