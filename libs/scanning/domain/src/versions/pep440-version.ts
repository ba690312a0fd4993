import { compareDigitStrings } from './digit-strings';

export type Pep440PreLabel = 'a' | 'b' | 'rc';

export interface Pep440Version {
  readonly epoch: string;
  readonly release: readonly string[];
  readonly pre?: { readonly label: Pep440PreLabel; readonly number: string };
  readonly post?: string;
  readonly dev?: string;
  readonly local: readonly string[];
}

// Groups: epoch, release, pre label, pre number, implicit post, post label, post number, dev, dev number, local.
const PEP440_PATTERN =
  /^\s*v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i;

const PRE_LABELS: Readonly<Record<string, Pep440PreLabel>> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
};

const PRE_RANK: Readonly<Record<Pep440PreLabel, number>> = { a: 0, b: 1, rc: 2 };

const toInteger = (digits: string): string => digits.replace(/^0+(?=\d)/, '');

export function parsePep440(input: string): Pep440Version {
  const match = PEP440_PATTERN.exec(input);
  if (!match) throw new Error(`Invalid PEP 440 version: "${input}"`);
  const [
    ,
    epoch,
    release,
    preLabel,
    preNumber,
    implicitPost,
    postLabel,
    postNumber,
    dev,
    devNumber,
    local,
  ] = match;
  const version: {
    -readonly [K in keyof Pep440Version]: Pep440Version[K];
  } = {
    epoch: toInteger(epoch ?? '0'),
    release: (release ?? '0').split('.').map(toInteger),
    local: local === undefined ? [] : local.toLowerCase().split(/[-_.]/),
  };
  const label = preLabel === undefined ? undefined : PRE_LABELS[preLabel.toLowerCase()];
  // An omitted number means zero: `1.0a` is `1.0a0`, `1.0.post` is `1.0.post0`.
  if (label !== undefined) version.pre = { label, number: toInteger(preNumber ?? '0') };
  if (implicitPost !== undefined) version.post = toInteger(implicitPost);
  else if (postLabel !== undefined) version.post = toInteger(postNumber ?? '0');
  if (dev !== undefined) version.dev = toInteger(devNumber ?? '0');
  return version;
}

export function normalizePep440(input: string): string {
  const v = parsePep440(input);
  return (
    (v.epoch === '0' ? '' : `${v.epoch}!`) +
    v.release.join('.') +
    (v.pre ? `${v.pre.label}${v.pre.number}` : '') +
    (v.post === undefined ? '' : `.post${v.post}`) +
    (v.dev === undefined ? '' : `.dev${v.dev}`) +
    (v.local.length === 0 ? '' : `+${v.local.join('.')}`)
  );
}

const sign = (n: number): -1 | 0 | 1 => (n < 0 ? -1 : n > 0 ? 1 : 0);

function compareRelease(a: readonly string[], b: readonly string[]): -1 | 0 | 1 {
  // Missing segments count as zero, so trailing zeros never change the order.
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const order = compareDigitStrings(a[i] ?? '0', b[i] ?? '0');
    if (order !== 0) return order;
  }
  return 0;
}

function comparePre(a: Pep440Version, b: Pep440Version): -1 | 0 | 1 {
  // A bare dev release (`1.0.dev1`) sorts before every pre-release of the same release; a final after all.
  const rank = (v: Pep440Version): number =>
    v.pre ? PRE_RANK[v.pre.label] : v.post === undefined && v.dev !== undefined ? -1 : 3;
  const order = sign(rank(a) - rank(b));
  if (order !== 0 || !a.pre || !b.pre) return order;
  return compareDigitStrings(a.pre.number, b.pre.number);
}

// `missing` says where an absent number sorts: before every value (post) or after (dev).
function compareOptional(
  a: string | undefined,
  b: string | undefined,
  missing: -1 | 1,
): -1 | 0 | 1 {
  if (a === undefined || b === undefined) {
    if (a === b) return 0;
    return a === undefined ? missing : (-missing as -1 | 1);
  }
  return compareDigitStrings(a, b);
}

function compareLocalSegment(a: string, b: string): -1 | 0 | 1 {
  const aNumeric = /^\d+$/.test(a);
  const bNumeric = /^\d+$/.test(b);
  if (aNumeric && bNumeric) return compareDigitStrings(a, b);
  // PEP 440: a numeric local segment always outranks an alphanumeric one.
  if (aNumeric) return 1;
  if (bNumeric) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareLocal(a: readonly string[], b: readonly string[]): -1 | 0 | 1 {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareLocalSegment(a[i] ?? '', b[i] ?? '');
    if (order !== 0) return order;
  }
  return sign(a.length - b.length);
}

export function comparePep440(a: string, b: string): -1 | 0 | 1 {
  const x = parsePep440(a);
  const y = parsePep440(b);
  return (
    compareDigitStrings(x.epoch, y.epoch) ||
    compareRelease(x.release, y.release) ||
    comparePre(x, y) ||
    compareOptional(x.post, y.post, -1) ||
    compareOptional(x.dev, y.dev, 1) ||
    compareLocal(x.local, y.local)
  );
}
