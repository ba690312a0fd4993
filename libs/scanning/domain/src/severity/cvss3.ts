/** Harbor's severities, lowest first. */
export type Severity = 'None' | 'Unknown' | 'Low' | 'Medium' | 'High' | 'Critical';

const WEIGHTS = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;
const PR_UNCHANGED = { N: 0.85, L: 0.62, H: 0.27 } as const;
const PR_CHANGED = { N: 0.85, L: 0.68, H: 0.5 } as const;
const BASE_METRICS = ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'] as const;

/** CVSS v3.1's Roundup: the smallest one-decimal number not below x, free of float error. */
function roundUp(x: number): number {
  const scaled = Math.round(x * 100_000);
  return scaled % 10_000 === 0 ? scaled / 100_000 : (Math.floor(scaled / 10_000) + 1) / 10;
}

/**
 * The base score of a CVSS v3.0/v3.1 vector (`CVSS:3.1/AV:N/AC:L/...`), by the specification's
 * formulas. Throws on a vector that is not v3, lacks a base metric or has an unknown value.
 */
export function cvss3BaseScore(vector: string): number {
  const [prefix, ...parts] = vector.trim().split('/');
  if (prefix !== 'CVSS:3.0' && prefix !== 'CVSS:3.1')
    throw new Error(`not a CVSS v3 vector: ${vector.slice(0, 64)}`);
  const m = new Map<string, string>();
  for (const part of parts) {
    const [key, value, extra] = part.split(':');
    if (!key || !value || extra !== undefined || m.has(key))
      throw new Error(`bad CVSS metric "${part.slice(0, 16)}"`);
    m.set(key, value);
  }
  for (const k of BASE_METRICS) if (!m.has(k)) throw new Error(`CVSS vector lacks ${k}`);
  const pick = <T extends Record<string, number>>(table: T, key: string): number => {
    const v = m.get(key)!;
    if (!Object.hasOwn(table, v)) throw new Error(`bad CVSS value ${key}:${v.slice(0, 8)}`);
    return table[v as keyof T];
  };
  const scope = m.get('S');
  if (scope !== 'U' && scope !== 'C') throw new Error(`bad CVSS value S:${scope?.slice(0, 8)}`);
  const changed = scope === 'C';
  const iss =
    1 - (1 - pick(WEIGHTS.CIA, 'C')) * (1 - pick(WEIGHTS.CIA, 'I')) * (1 - pick(WEIGHTS.CIA, 'A'));
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss;
  const exploitability =
    8.22 *
    pick(WEIGHTS.AV, 'AV') *
    pick(WEIGHTS.AC, 'AC') *
    pick(changed ? PR_CHANGED : PR_UNCHANGED, 'PR') *
    pick(WEIGHTS.UI, 'UI');
  if (impact <= 0) return 0;
  return roundUp(Math.min((changed ? 1.08 : 1) * (impact + exploitability), 10));
}

/** The qualitative rating of a CVSS v3 score (specification table 14). */
export function severityOfScore(score: number): Severity {
  if (score === 0) return 'None';
  if (score < 4) return 'Low';
  if (score < 7) return 'Medium';
  if (score < 9) return 'High';
  return 'Critical';
}
