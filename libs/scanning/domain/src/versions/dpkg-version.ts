import { compareDigitStrings } from './digit-strings';

/** A Debian package version split per Debian Policy §5.6.12: `[epoch:]upstream_version[-debian_revision]`. */
export interface DpkgVersion {
  /** Decimal digits without leading zeros; `'0'` when the version has no epoch. */
  readonly epoch: string;
  readonly upstream: string;
  /** Empty when the version has no hyphen. */
  readonly revision: string;
}

const EPOCH = /^[0-9]+$/;
const UPSTREAM_WITH_REVISION = /^[A-Za-z0-9.+~-]+$/;
const UPSTREAM_WITHOUT_REVISION = /^[A-Za-z0-9.+~]+$/;
const REVISION = /^[A-Za-z0-9.+~]+$/;

/**
 * Splits a Debian version into epoch, upstream version and revision.
 * @throws Error when the version is empty, has a non-numeric epoch or contains characters Policy forbids.
 */
export function parseDpkgVersion(version: string): DpkgVersion {
  if (version.length === 0) {
    throw new Error('Invalid dpkg version "": version is empty');
  }
  let rest = version;
  let epoch = '0';
  const colon = rest.indexOf(':');
  if (colon !== -1) {
    const rawEpoch = rest.slice(0, colon);
    if (!EPOCH.test(rawEpoch)) {
      throw new Error(
        `Invalid dpkg version "${version}": epoch "${rawEpoch}" is not a non-negative integer`,
      );
    }
    epoch = stripLeadingZeros(rawEpoch);
    rest = rest.slice(colon + 1);
  }
  let upstream = rest;
  let revision = '';
  // The revision starts after the last hyphen, so the upstream version may itself contain hyphens.
  const hyphen = rest.lastIndexOf('-');
  if (hyphen !== -1) {
    upstream = rest.slice(0, hyphen);
    revision = rest.slice(hyphen + 1);
    if (!REVISION.test(revision)) {
      throw new Error(
        revision.length === 0
          ? `Invalid dpkg version "${version}": revision after the last hyphen is empty`
          : `Invalid dpkg version "${version}": revision "${revision}" may contain only alphanumerics and + . ~`,
      );
    }
  }
  if (upstream.length === 0) {
    throw new Error(`Invalid dpkg version "${version}": upstream version is empty`);
  }
  const upstreamPattern = hyphen === -1 ? UPSTREAM_WITHOUT_REVISION : UPSTREAM_WITH_REVISION;
  if (!upstreamPattern.test(upstream)) {
    throw new Error(
      `Invalid dpkg version "${version}": upstream version "${upstream}" may contain only alphanumerics and . + ~` +
        (hyphen === -1 ? '' : ' -'),
    );
  }
  return { epoch, upstream, revision };
}

/** True when `parseDpkgVersion` accepts the version. */
export function isValidDpkgVersion(version: string): boolean {
  try {
    parseDpkgVersion(version);
    return true;
  } catch {
    return false;
  }
}

/**
 * Orders two Debian versions the way dpkg does: epoch, then upstream version, then revision.
 * @returns a negative number when `a` is older, 0 when equal, a positive number when newer.
 * @throws Error when either version is invalid.
 */
export function compareDpkgVersions(a: string, b: string): number {
  const left = parseDpkgVersion(a);
  const right = parseDpkgVersion(b);
  return (
    compareDigitStrings(left.epoch, right.epoch) ||
    compareDpkgPart(left.upstream, right.upstream) ||
    compareDpkgPart(left.revision, right.revision)
  );
}

/** Policy's alternating non-digit/digit comparison of one upstream version or revision. */
function compareDpkgPart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const diff = characterWeight(a[i]) - characterWeight(b[j]);
      if (diff !== 0) {
        return Math.sign(diff);
      }
      i++;
      j++;
    }
    const aStart = i;
    while (i < a.length && isDigit(a[i])) {
      i++;
    }
    const bStart = j;
    while (j < b.length && isDigit(b[j])) {
      j++;
    }
    const diff = compareDigitStrings(a.slice(aStart, i), b.slice(bStart, j));
    if (diff !== 0) {
      return diff;
    }
  }
  return 0;
}

/** Sort weight inside a non-digit part: `~` < end of part < letters < everything else. */
function characterWeight(c: string | undefined): number {
  if (c === undefined || isDigit(c)) {
    return 0;
  }
  if (c === '~') {
    return -1;
  }
  const code = c.charCodeAt(0);
  return isLetter(c) ? code : code + 256;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isLetter(c: string): boolean {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

function stripLeadingZeros(digits: string): string {
  const stripped = digits.replace(/^0+/, '');
  return stripped.length === 0 ? '0' : stripped;
}
