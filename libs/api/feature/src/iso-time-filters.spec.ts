import { describe, expect, it } from 'vitest';
import { isoTimeFilters } from './iso-time-filters';

describe('isoTimeFilters', () => {
  it('turns time bounds into ISO 8601 text and leaves other values alone', () => {
    const t = new Date('2026-01-02T03:04:05Z');
    expect(
      isoTimeFilters({
        filters: [
          { field: 'op_time', kind: 'range', min: t },
          { field: 'op_time', kind: 'exact', value: t },
          { field: 'operation', kind: 'or', values: ['create', 'delete'] },
          { field: 'username', kind: 'fuzzy', value: 'adm' },
        ],
        sorts: [{ field: 'op_time', direction: 'DESC' }],
      }),
    ).toEqual({
      filters: [
        { field: 'op_time', kind: 'range', min: '2026-01-02T03:04:05.000Z' },
        { field: 'op_time', kind: 'exact', value: '2026-01-02T03:04:05.000Z' },
        { field: 'operation', kind: 'or', values: ['create', 'delete'] },
        { field: 'username', kind: 'fuzzy', value: 'adm' },
      ],
      sorts: [{ field: 'op_time', direction: 'DESC' }],
    });
  });
});
