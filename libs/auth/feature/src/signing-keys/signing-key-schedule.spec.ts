import { describe, expect, it } from 'vitest';
import { keySchedule } from './signing-key-schedule';

const at = (ms: number): string => new Date(ms).toISOString();
const HOUR = 3_600_000;
const LIFETIME = HOUR;

describe('keySchedule', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const first = { generation: 1, activatesAt: at(t0) };
  const second = { generation: 2, activatesAt: at(t0 + 10 * HOUR) };

  it('publishes a rotated key before it signs, and keeps signing with the old one meanwhile', () => {
    const s = keySchedule([first, second], t0 + 10 * HOUR - 1, LIFETIME);
    expect(s.active).toBe(first);
    expect(s.published).toEqual([second, first]);
    expect(s.retired).toEqual([]);
  });

  it('signs with the new key from its activation and publishes the old one until its tokens expired', () => {
    const during = keySchedule([first, second], t0 + 10 * HOUR + LIFETIME - 1, LIFETIME);
    expect(during.active).toBe(second);
    expect(during.published).toEqual([second, first]);
    const after = keySchedule([first, second], t0 + 10 * HOUR + LIFETIME, LIFETIME);
    expect(after.published).toEqual([second]);
    expect(after.retired).toEqual([first]);
  });

  it('keeps a key that never signed published only while a newer key had not yet replaced it', () => {
    const third = { generation: 3, activatesAt: at(t0 + 10 * HOUR + 5) };
    const s = keySchedule([first, second, third], t0 + 20 * HOUR, LIFETIME);
    expect(s.active).toBe(third);
    expect(s.retired).toEqual([second, first]);
  });

  it('refuses an empty key set', () => {
    expect(() => keySchedule([], t0, LIFETIME)).toThrow(/no token signing key/);
  });
});
