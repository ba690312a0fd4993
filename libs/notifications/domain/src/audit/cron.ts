/**
 * Harbor's six-field cron (`sec min hour day-of-month month day-of-week`), matched to the
 * minute: `*`, numbers, ranges `a-b`, steps `*\/n` and `a-b/n`, lists `a,b`. Day of week 0 or 7
 * is Sunday. Like cron, when both day fields are restricted either may match.
 */
export class CronSchedule {
  private readonly fields: Array<Set<number> | undefined>;
  private readonly restricted: boolean[];

  private constructor(fields: Array<Set<number> | undefined>, restricted: boolean[]) {
    this.fields = fields;
    this.restricted = restricted;
  }

  /** @throws Error with a message fit for an API answer */
  static parse(expression: string): CronSchedule {
    const parts = expression.trim().split(/\s+/);
    if (parts.length !== 6) throw new Error('cron must have 6 fields: sec min hour dom month dow');
    const ranges: Array<[number, number]> = [
      [0, 59],
      [0, 59],
      [0, 23],
      [1, 31],
      [1, 12],
      [0, 7],
    ];
    const fields = parts.map((p, i) => parseField(p, ranges[i][0], ranges[i][1]));
    const dow = fields[5];
    if (dow?.has(7)) dow.add(0);
    return new CronSchedule(
      fields,
      parts.map((p) => p !== '*' && p !== '?'),
    );
  }

  /** Whether the schedule fires in the UTC minute of `at`. */
  matchesMinute(at: Date): boolean {
    const [, minute, hour, dom, month, dow] = this.fields;
    const has = (f: Set<number> | undefined, v: number): boolean => f === undefined || f.has(v);
    if (!has(minute, at.getUTCMinutes()) || !has(hour, at.getUTCHours())) return false;
    if (!has(month, at.getUTCMonth() + 1)) return false;
    const domOk = has(dom, at.getUTCDate());
    const dowOk = has(dow, at.getUTCDay());
    return this.restricted[3] && this.restricted[5] ? domOk || dowOk : domOk && dowOk;
  }

  /** The first minute after `from` the schedule fires in, within a year; undefined if none. */
  next(from: Date): Date | undefined {
    const t = new Date(Math.floor(from.getTime() / 60_000) * 60_000 + 60_000);
    for (let i = 0; i < 366 * 24 * 60; i++, t.setTime(t.getTime() + 60_000))
      if (this.matchesMinute(t)) return new Date(t);
    return undefined;
  }
}

function parseField(field: string, min: number, max: number): Set<number> | undefined {
  if (field === '*' || field === '?') return undefined;
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\*|\d+(?:-\d+)?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`bad cron field "${field.slice(0, 32)}"`);
    const step = m[2] === undefined ? 1 : Number(m[2]);
    let lo = min;
    let hi = max;
    if (m[1] !== '*') {
      const [a, b] = m[1].split('-').map(Number);
      lo = a;
      hi = b ?? (m[2] === undefined ? a : max);
    }
    if (step < 1 || lo < min || hi > max || lo > hi)
      throw new Error(`cron field "${field.slice(0, 32)}" is out of range ${min}-${max}`);
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return values;
}
