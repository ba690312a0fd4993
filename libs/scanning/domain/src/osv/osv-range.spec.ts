import { describe, expect, it } from 'vitest';
import { isAffected, type OsvAffectedVersions, type OsvEvent } from './osv-range';

/** Dotted numbers, enough to read the evaluation rules by. */
const numeric = (a: string, b: string): number => {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};
const range = (...events: OsvEvent[]): OsvAffectedVersions => ({
  ranges: [{ type: 'ECOSYSTEM', events }],
});

describe('isAffected (OSV evaluation)', () => {
  it.each([
    ['0.9', false],
    ['1.0', true],
    ['1.4.9', true],
    ['1.5', false],
    ['2.0', false],
  ])('introduced 1.0, fixed 1.5: %s → %s', (v, expected) => {
    expect(isAffected(v, range({ introduced: '1.0' }, { fixed: '1.5' }), numeric)).toBe(expected);
  });

  it('reads "0" as below every version and last_affected as inclusive', () => {
    const r = range({ introduced: '0' }, { last_affected: '2.3' });
    expect(isAffected('0.0.1', r, numeric)).toBe(true);
    expect(isAffected('2.3', r, numeric)).toBe(true);
    expect(isAffected('2.3.1', r, numeric)).toBe(false);
  });

  it('handles several introduced/fixed pairs in one range, in any listed order', () => {
    const r = range(
      { fixed: '2.4' },
      { introduced: '3.0' },
      { introduced: '2.0' },
      { fixed: '3.1' },
    );
    expect(
      ['1.9', '2.0', '2.4', '2.9', '3.0', '3.0.5', '3.1'].map((v) => isAffected(v, r, numeric)),
    ).toEqual([false, true, false, false, true, true, false]);
  });

  it('stays affected with no fix, and caps at a limit', () => {
    expect(isAffected('99', range({ introduced: '1.0' }), numeric)).toBe(true);
    const limited = range({ introduced: '0' }, { limit: '4.0' });
    expect(isAffected('3.9', limited, numeric)).toBe(true);
    expect(isAffected('4.0', limited, numeric)).toBe(false);
    expect(isAffected('5', range({ introduced: '0' }, { limit: '*' }), numeric)).toBe(true);
  });

  it('takes listed versions, ignores GIT ranges and unreadable versions', () => {
    expect(isAffected('1.2', { versions: ['1.1', '1.2'] }, numeric)).toBe(true);
    expect(
      isAffected('1.2', { ranges: [{ type: 'GIT', events: [{ introduced: '0' }] }] }, numeric),
    ).toBe(false);
    const throwing = (): number => {
      throw new Error('unreadable');
    };
    expect(isAffected('x', range({ introduced: '0' }, { fixed: '1' }), throwing)).toBe(false);
  });
});
