import { compareDigitStrings } from './digit-strings';

/** An RPM `[epoch:]version[-release]` string split into its parts. */
export interface RpmVersion {
  /** Decimal digits without leading zeros; `'0'` when the string has no epoch. */
  readonly epoch: string;
  readonly version: string;
  /** Empty when the string has no release. */
  readonly release: string;
}

const EPOCH = /^[0-9]+$/;
// The characters rpmbuild accepts in Version and Release tags.
const VERSION_OR_RELEASE = /^[A-Za-z0-9._+~^]+$/;

/**
 * Splits an RPM EVR string; the release starts after the last hyphen.
 * @throws Error when the string is empty, has a non-numeric epoch or contains characters rpmbuild forbids.
 */
export function parseRpmVersion(evr: string): RpmVersion {
  if (evr.length === 0) {
    throw new Error('Invalid rpm version "": version is empty');
  }
  let rest = evr;
  let epoch = '0';
  const colon = rest.indexOf(':');
  if (colon !== -1) {
    const rawEpoch = rest.slice(0, colon);
    if (!EPOCH.test(rawEpoch)) {
      throw new Error(
        `Invalid rpm version "${evr}": epoch "${rawEpoch}" is not a non-negative integer`,
      );
    }
    epoch = rawEpoch.replace(/^0+(?=.)/, '');
    rest = rest.slice(colon + 1);
  }
  let version = rest;
  let release = '';
  const hyphen = rest.lastIndexOf('-');
  if (hyphen !== -1) {
    version = rest.slice(0, hyphen);
    release = rest.slice(hyphen + 1);
    if (release.length === 0) {
      throw new Error(`Invalid rpm version "${evr}": release after the last hyphen is empty`);
    }
    if (!VERSION_OR_RELEASE.test(release)) {
      throw new Error(
        `Invalid rpm version "${evr}": release "${release}" may contain only alphanumerics and . _ + ~ ^`,
      );
    }
  }
  if (version.length === 0) {
    throw new Error(`Invalid rpm version "${evr}": version is empty`);
  }
  if (!VERSION_OR_RELEASE.test(version)) {
    throw new Error(
      `Invalid rpm version "${evr}": version "${version}" may contain only alphanumerics and . _ + ~ ^`,
    );
  }
  return { epoch, version, release };
}

/** True when `parseRpmVersion` accepts the string. */
export function isValidRpmVersion(evr: string): boolean {
  try {
    parseRpmVersion(evr);
    return true;
  } catch {
    return false;
  }
}

/**
 * Orders two RPM EVR strings: epoch numerically, then version and release with rpmvercmp.
 * A missing release sorts before any release so that the order stays total; rpm itself would skip
 * the release comparison, which makes `1.0` equal to both `1.0-1` and `1.0-2`.
 * @returns a negative number when `a` is older, 0 when equal, a positive number when newer.
 * @throws Error when either string is invalid.
 */
export function compareRpmVersions(a: string, b: string): number {
  const left = parseRpmVersion(a);
  const right = parseRpmVersion(b);
  return (
    compareDigitStrings(left.epoch, right.epoch) ||
    rpmvercmp(left.version, right.version) ||
    rpmvercmp(left.release, right.release)
  );
}

/**
 * Compares one version or release segment by segment, as rpm's rpmvercmp does.
 * @returns -1, 0 or 1.
 */
export function rpmvercmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    i = skipSeparators(a, i);
    j = skipSeparators(b, j);
    const x = a[i];
    const y = b[j];

    // A tilde marks a pre-release, so it loses to everything, even the end of the string.
    if (x === '~' || y === '~') {
      if (x !== '~') {
        return 1;
      }
      if (y !== '~') {
        return -1;
      }
      i++;
      j++;
      continue;
    }

    // A caret marks a post-release snapshot: it beats the end of the string but loses to any other segment.
    if (x === '^' || y === '^') {
      if (x === undefined) {
        return -1;
      }
      if (y === undefined) {
        return 1;
      }
      if (x !== '^') {
        return 1;
      }
      if (y !== '^') {
        return -1;
      }
      i++;
      j++;
      continue;
    }

    if (x === undefined || y === undefined) {
      break;
    }

    const numeric = isDigit(x);
    const inSegment = numeric ? isDigit : isLetter;
    const aEnd = segmentEnd(a, i, inSegment);
    const bEnd = segmentEnd(b, j, inSegment);
    if (bEnd === j) {
      // Segments of different kinds: the numeric one is newer.
      return numeric ? 1 : -1;
    }
    const left = a.slice(i, aEnd);
    const right = b.slice(j, bEnd);
    const diff = numeric ? compareDigitStrings(left, right) : compareStrings(left, right);
    if (diff !== 0) {
      return diff;
    }
    i = aEnd;
    j = bEnd;
  }
  // Whatever is left over after equal segments makes that side newer.
  const aDone = i >= a.length;
  const bDone = j >= b.length;
  if (aDone && bDone) {
    return 0;
  }
  return aDone ? -1 : 1;
}

function skipSeparators(s: string, from: number): number {
  let k = from;
  while (k < s.length && !isDigit(s[k]) && !isLetter(s[k]) && s[k] !== '~' && s[k] !== '^') {
    k++;
  }
  return k;
}

function segmentEnd(
  s: string,
  from: number,
  inSegment: (c: string | undefined) => boolean,
): number {
  let k = from;
  while (k < s.length && inSegment(s[k])) {
    k++;
  }
  return k;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
