/**
 * CVSS v4.0 scoring (FIRST CVSS v4.0 specification, section 8 "Scoring"): a vector falls into a
 * macro vector (equivalence classes EQ1–EQ6) whose score comes from the specification's lookup
 * table, then is lowered by its severity distance from the most severe vectors of that macro
 * vector, in proportion to the score gap to the next lower macro vectors.
 */

const METRIC_VALUES: Readonly<Record<string, readonly string[]>> = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  AT: ['N', 'P'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'P', 'A'],
  VC: ['H', 'L', 'N'],
  VI: ['H', 'L', 'N'],
  VA: ['H', 'L', 'N'],
  SC: ['H', 'L', 'N'],
  SI: ['H', 'L', 'N'],
  SA: ['H', 'L', 'N'],
  E: ['X', 'A', 'P', 'U'],
  CR: ['X', 'H', 'M', 'L'],
  IR: ['X', 'H', 'M', 'L'],
  AR: ['X', 'H', 'M', 'L'],
  MAV: ['X', 'N', 'A', 'L', 'P'],
  MAC: ['X', 'L', 'H'],
  MAT: ['X', 'N', 'P'],
  MPR: ['X', 'N', 'L', 'H'],
  MUI: ['X', 'N', 'P', 'A'],
  MVC: ['X', 'H', 'L', 'N'],
  MVI: ['X', 'H', 'L', 'N'],
  MVA: ['X', 'H', 'L', 'N'],
  MSC: ['X', 'H', 'L', 'N'],
  MSI: ['X', 'S', 'H', 'L', 'N'],
  MSA: ['X', 'S', 'H', 'L', 'N'],
  S: ['X', 'N', 'P'],
  AU: ['X', 'N', 'Y'],
  R: ['X', 'A', 'U', 'I'],
  V: ['X', 'D', 'C'],
  RE: ['X', 'L', 'M', 'H'],
  U: ['X', 'Clear', 'Green', 'Amber', 'Red'],
};
const BASE_METRICS = ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'] as const;

/**
 * Scores of the 270 macro vectors, in the order of `eq1 eq2 eq3 eq4 eq5 eq6` counted up as digits
 * (eq1 0–2, eq2 0–1, eq3 0–2, eq4 0–2, eq5 0–2, eq6 0–1), skipping eq3 = 2 with eq6 = 0, which
 * cannot occur.
 */
const MACRO_SCORES = `
10 9.9 9.8 9.5 9.5 9.2 10 9.6 9.3 8.7 9.1 8.1 9.3 9 8.9 8 8.1 6.8 9.8 9.5 9.5 9.2 9 8.4 9.3 9.2
8.9 8.1 8.1 6.5 8.8 8 7.8 7 6.9 4.8 9.2 8.2 7.2 7.9 6.9 5 6.9 5.5 2.7 9.9 9.7 9.5 9.2 9.2 8.5
9.5 9.1 9 8.3 8.4 7.1 9.2 8.1 8.2 7.1 7.2 5.3 9.5 9.3 9.2 8.5 8.5 7.3 9.2 8.2 8 7.2 7 5.9 8.4 7
7.1 5.2 5 3 8.6 7.5 5.2 7.1 5.2 2.9 6.3 2.9 1.7 9.8 9.5 9.4 8.7 9.1 8.1 9.4 8.9 8.6 7.4 7.7 6.4
8.7 7.5 7.4 6.3 6.3 4.9 9.4 8.9 8.8 7.7 7.6 6.7 8.6 7.6 7.4 5.8 5.9 5 7.2 5.7 5.7 5.2 5.2 2.5 8.3
7 5.4 6.5 5.8 2.6 5.3 2.1 1.3 9.5 9 8.8 7.6 7.6 7 9 7.7 7.5 6.2 6.1 5.3 7.7 6.6 6.8 5.9 5.2 3 8.9
7.8 7.6 6.7 6.2 5.8 7.4 5.9 5.7 5.7 4.7 2.3 6.1 5.2 5.7 2.9 2.4 1.6 7.1 5.9 3 5.8 2.6 1.5 2.3 1.3
0.6 9.3 8.7 8.6 7.2 7.5 5.8 8.6 7.4 7.4 6.1 5.6 3.4 7 5.4 5.2 4 4 2.2 8.5 7.5 7.4 5.5 6.2 5.1 7.2
5.7 5.5 4.1 4.6 1.9 5.3 3.6 3.4 1.9 1.9 0.8 6.4 5.1 2 4.7 2.1 1.1 2.4 0.9 0.4 8.8 7.5 7.3 5.3 6 5
7.3 5.5 5.9 4 4.1 2 5.4 4.3 4.5 2.2 2 1.1 7.5 5.5 5.8 4.5 4 2.1 6.1 5.1 4.8 1.8 2 0.9 4.6 1.8 1.7
0.7 0.8 0.2 5.3 2.4 1.4 2.4 1.2 0.5 1 0.3 0.1`;

const MACRO_TABLE: ReadonlyMap<string, number> = (() => {
  const scores = MACRO_SCORES.trim().split(/\s+/).map(Number);
  const table = new Map<string, number>();
  let i = 0;
  for (let eq1 = 0; eq1 <= 2; eq1++)
    for (let eq2 = 0; eq2 <= 1; eq2++)
      for (let eq3 = 0; eq3 <= 2; eq3++)
        for (let eq4 = 0; eq4 <= 2; eq4++)
          for (let eq5 = 0; eq5 <= 2; eq5++)
            for (let eq6 = 0; eq6 <= 1; eq6++) {
              if (eq3 === 2 && eq6 === 0) continue;
              table.set(`${eq1}${eq2}${eq3}${eq4}${eq5}${eq6}`, scores[i++] ?? Number.NaN);
            }
  if (i !== scores.length) throw new Error('CVSS v4 macro vector table is malformed');
  return table;
})();

/** Severity levels of the metric values, in tenths (0 is the most severe). */
const LEVELS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  AV: { N: 0, A: 1, L: 2, P: 3 },
  PR: { N: 0, L: 1, H: 2 },
  UI: { N: 0, P: 1, A: 2 },
  AC: { L: 0, H: 1 },
  AT: { N: 0, P: 1 },
  VC: { H: 0, L: 1, N: 2 },
  VI: { H: 0, L: 1, N: 2 },
  VA: { H: 0, L: 1, N: 2 },
  SC: { H: 1, L: 2, N: 3 },
  SI: { S: 0, H: 1, L: 2, N: 3 },
  SA: { S: 0, H: 1, L: 2, N: 3 },
  CR: { H: 0, M: 1, L: 2 },
  IR: { H: 0, M: 1, L: 2 },
  AR: { H: 0, M: 1, L: 2 },
};

type Metrics = Readonly<Record<string, string>>;
const v = (text: string): Metrics =>
  Object.fromEntries(text.split('/').map((p) => p.split(':') as [string, string]));

/** The most severe vectors of each equivalence class level (EQ3 and EQ6 are scored together). */
const EQ1_MAX: readonly (readonly Metrics[])[] = [
  [v('AV:N/PR:N/UI:N')],
  [v('AV:A/PR:N/UI:N'), v('AV:N/PR:L/UI:N'), v('AV:N/PR:N/UI:P')],
  [v('AV:P/PR:N/UI:N'), v('AV:A/PR:L/UI:P')],
];
const EQ2_MAX: readonly (readonly Metrics[])[] = [
  [v('AC:L/AT:N')],
  [v('AC:H/AT:N'), v('AC:L/AT:P')],
];
const EQ36_MAX: Readonly<Record<string, readonly Metrics[]>> = {
  '00': [v('VC:H/VI:H/VA:H/CR:H/IR:H/AR:H')],
  '01': [v('VC:H/VI:H/VA:L/CR:M/IR:M/AR:H'), v('VC:H/VI:H/VA:H/CR:M/IR:M/AR:M')],
  '10': [v('VC:L/VI:H/VA:H/CR:H/IR:H/AR:H'), v('VC:H/VI:L/VA:H/CR:H/IR:H/AR:H')],
  '11': [
    v('VC:L/VI:H/VA:L/CR:H/IR:M/AR:H'),
    v('VC:L/VI:H/VA:H/CR:H/IR:M/AR:M'),
    v('VC:H/VI:L/VA:H/CR:M/IR:H/AR:M'),
    v('VC:H/VI:L/VA:L/CR:M/IR:H/AR:H'),
    v('VC:L/VI:L/VA:H/CR:H/IR:H/AR:M'),
  ],
  '21': [v('VC:L/VI:L/VA:L/CR:H/IR:H/AR:H')],
};
const EQ4_MAX: readonly Metrics[] = [v('SC:H/SI:S/SA:S'), v('SC:H/SI:H/SA:H'), v('SC:L/SI:L/SA:L')];

/** Depth of each class level, in tenths of severity distance (one more than the largest distance). */
const EQ1_DEPTH = [1, 4, 5];
const EQ2_DEPTH = [1, 2];
const EQ36_DEPTH: Readonly<Record<string, number>> = {
  '00': 7,
  '01': 6,
  '10': 8,
  '11': 8,
  '21': 10,
};
const EQ4_DEPTH = [6, 5, 4];

/** Splits a v4.0 vector into its metrics; throws on anything the specification does not allow. */
function parseVector(vector: string): Map<string, string> {
  const [prefix, ...parts] = vector.trim().split('/');
  if (prefix !== 'CVSS:4.0') throw new Error(`not a CVSS v4.0 vector: ${vector.slice(0, 64)}`);
  const metrics = new Map<string, string>();
  for (const part of parts) {
    const [key, value, extra] = part.split(':');
    if (!key || !value || extra !== undefined || metrics.has(key))
      throw new Error(`bad CVSS metric "${part.slice(0, 16)}"`);
    const allowed = METRIC_VALUES[key];
    if (!allowed) throw new Error(`unknown CVSS v4.0 metric ${key.slice(0, 8)}`);
    if (!allowed.includes(value)) throw new Error(`bad CVSS value ${key}:${value.slice(0, 8)}`);
    metrics.set(key, value);
  }
  for (const k of BASE_METRICS) if (!metrics.has(k)) throw new Error(`CVSS vector lacks ${k}`);
  return metrics;
}

/** The value a metric takes for scoring: the environmental override, else the worst case for X. */
function effective(metrics: Map<string, string>, metric: string): string {
  const given = metrics.get(metric) ?? 'X';
  if (metric === 'E' && given === 'X') return 'A';
  if ((metric === 'CR' || metric === 'IR' || metric === 'AR') && given === 'X') return 'H';
  const modified = metrics.get(`M${metric}`);
  return modified !== undefined && modified !== 'X' ? modified : given;
}

function macroVector(
  m: (metric: string) => string,
): [number, number, number, number, number, number] {
  const [av, pr, ui] = [m('AV'), m('PR'), m('UI')];
  const eq1 =
    av === 'N' && pr === 'N' && ui === 'N'
      ? 0
      : (av === 'N' || pr === 'N' || ui === 'N') && av !== 'P'
        ? 1
        : 2;
  const eq2 = m('AC') === 'L' && m('AT') === 'N' ? 0 : 1;
  const [vc, vi, va] = [m('VC'), m('VI'), m('VA')];
  const eq3 = vc === 'H' && vi === 'H' ? 0 : vc === 'H' || vi === 'H' || va === 'H' ? 1 : 2;
  const eq4 =
    m('SI') === 'S' || m('SA') === 'S'
      ? 0
      : m('SC') === 'H' || m('SI') === 'H' || m('SA') === 'H'
        ? 1
        : 2;
  const eq5 = { A: 0, P: 1, U: 2 }[m('E')] ?? 0;
  const eq6 =
    (m('CR') === 'H' && vc === 'H') ||
    (m('IR') === 'H' && vi === 'H') ||
    (m('AR') === 'H' && va === 'H')
      ? 0
      : 1;
  return [eq1, eq2, eq3, eq4, eq5, eq6];
}

const level = (metric: string, value: string): number => LEVELS[metric]?.[value] ?? Number.NaN;

/** One-decimal rounding, half up, immune to binary float error. */
const round1 = (x: number): number => Math.round((x + 1e-6) * 10) / 10;

/**
 * The score of a CVSS v4.0 vector (`CVSS:4.0/AV:N/AC:L/...`): CVSS-B for a base vector, and
 * CVSS-BT/BE/BTE when threat or environmental metrics are present. Supplemental metrics are
 * read but do not change the score. Throws on a vector that is not v4.0, lacks a base metric
 * or carries an unknown metric or value.
 */
export function cvss4Score(vector: string): number {
  const metrics = parseVector(vector);
  const m = (metric: string): string => effective(metrics, metric);
  if (['VC', 'VI', 'VA', 'SC', 'SI', 'SA'].every((k) => m(k) === 'N')) return 0;

  const eqs = macroVector(m);
  const [eq1, eq2, eq3, eq4, , eq6] = eqs;
  const key = (e: readonly number[]): string => e.join('');
  const score = (e: readonly number[]): number => MACRO_TABLE.get(key(e)) ?? Number.NaN;
  const value = score(eqs);
  const lowered = (index: number): number[] => eqs.map((x, i) => (i === index ? x + 1 : x));

  // The score gap to the next lower macro vector of each class; NaN where none exists.
  let lower36: number;
  if (eq3 === 0 && eq6 === 0) lower36 = Math.max(score(lowered(5)), score(lowered(2)));
  else if (eq3 === 1 && eq6 === 0) lower36 = score(lowered(5));
  else if (eq3 === 2) lower36 = Number.NaN;
  else lower36 = score(lowered(2));
  const gaps = [
    value - score(lowered(0)),
    value - score(lowered(1)),
    value - lower36,
    value - score(lowered(3)),
    value - score(lowered(4)),
  ];

  // The first most-severe vector of the macro vector that is at least as severe as this one.
  const candidates: Record<string, string>[] = [];
  for (const a of EQ1_MAX[eq1] ?? [])
    for (const b of EQ2_MAX[eq2] ?? [])
      for (const c of EQ36_MAX[`${eq3}${eq6}`] ?? [])
        candidates.push({ ...a, ...b, ...c, ...(EQ4_MAX[eq4] ?? {}) });
  const distance = (max: Record<string, string>, metric: string): number =>
    level(metric, m(metric)) - level(metric, max[metric] ?? '');
  const max = candidates.find((c) => Object.keys(LEVELS).every((k) => distance(c, k) >= 0));
  if (!max) throw new Error(`no most-severe vector found for ${vector.slice(0, 64)}`);
  const sum = (keys: readonly string[]): number => keys.reduce((s, k) => s + distance(max, k), 0);

  const proportions = [
    sum(['AV', 'PR', 'UI']) / (EQ1_DEPTH[eq1] ?? Number.NaN),
    sum(['AC', 'AT']) / (EQ2_DEPTH[eq2] ?? Number.NaN),
    sum(['VC', 'VI', 'VA', 'CR', 'IR', 'AR']) / (EQ36_DEPTH[`${eq3}${eq6}`] ?? Number.NaN),
    sum(['SC', 'SI', 'SA']) / (EQ4_DEPTH[eq4] ?? Number.NaN),
    // EQ5 has a single value per level: no distance within it.
    0,
  ];
  let total = 0;
  let counted = 0;
  gaps.forEach((gap, i) => {
    if (Number.isNaN(gap)) return;
    counted++;
    total += gap * (proportions[i] ?? 0);
  });
  const mean = counted === 0 ? 0 : total / counted;
  return round1(Math.min(10, Math.max(0, value - mean)));
}
