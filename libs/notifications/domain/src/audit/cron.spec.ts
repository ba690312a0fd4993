import { describe, expect, it } from 'vitest';
import { CronSchedule } from './cron';

const at = (iso: string): Date => new Date(iso);

describe('CronSchedule', () => {
  it("fires Harbor's daily schedule at midnight UTC only", () => {
    const daily = CronSchedule.parse('0 0 0 * * *');
    expect(daily.matchesMinute(at('2026-11-27T00:00:30Z'))).toBe(true);
    expect(daily.matchesMinute(at('2026-11-27T00:01:00Z'))).toBe(false);
    expect(daily.next(at('2026-11-27T10:00:00Z'))?.toISOString()).toBe('2026-11-28T00:00:00.000Z');
  });

  it('reads steps, ranges and lists', () => {
    const c = CronSchedule.parse('0 */15 9-17 * * 1-5');
    expect(c.matchesMinute(at('2026-11-27T09:45:00Z'))).toBe(true); // a Friday
    expect(c.matchesMinute(at('2026-11-27T09:50:00Z'))).toBe(false);
    expect(c.matchesMinute(at('2026-11-28T09:45:00Z'))).toBe(false); // Saturday
    expect(CronSchedule.parse('0 5,35 * * * *').matchesMinute(at('2026-01-01T03:35:00Z'))).toBe(
      true,
    );
  });

  it('treats 7 as Sunday and ORs restricted day fields', () => {
    expect(CronSchedule.parse('0 0 0 * * 7').matchesMinute(at('2026-11-29T00:00:00Z'))).toBe(true);
    const either = CronSchedule.parse('0 0 0 1 * 0');
    expect(either.matchesMinute(at('2026-12-01T00:00:00Z'))).toBe(true); // a Tuesday, the 1st
    expect(either.matchesMinute(at('2026-11-29T00:00:00Z'))).toBe(true); // a Sunday
    expect(either.matchesMinute(at('2026-11-30T00:00:00Z'))).toBe(false);
  });

  it.each([
    '* * * * *',
    '0 60 * * * *',
    '0 0 25 * * *',
    '0 0 0 0 * *',
    'a b c d e f',
    '0 5-1 * * * *',
    '0 */0 * * * *',
  ])('refuses %j', (expr) => {
    expect(() => CronSchedule.parse(expr)).toThrow();
  });
});
