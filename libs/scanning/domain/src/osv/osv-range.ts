/** Orders two versions of one ecosystem: negative, zero or positive. */
export type VersionComparator = (a: string, b: string) => number;

/** One event of an OSV range; exactly one field is set. */
export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: 'SEMVER' | 'ECOSYSTEM' | 'GIT' | string;
  events: OsvEvent[];
}

/** The part of an OSV `affected` entry that decides which versions are affected. */
export interface OsvAffectedVersions {
  ranges?: OsvRange[];
  versions?: string[];
}

const versionOf = (e: OsvEvent): string =>
  e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? '';

/**
 * Whether `version` is affected, by the OSV schema's evaluation: listed in `versions`, or inside
 * some SEMVER/ECOSYSTEM range — walking the range's events in version order, `introduced`
 * (where "0" is below every version) opens it, `fixed` closes it at that version and
 * `last_affected` just after it; `limit` events, when present, cap the range below them ("*"
 * caps nothing). GIT ranges name commits, not versions, and are left to other evidence.
 * A comparator that throws (a version it cannot read) makes that range not match.
 */
export function isAffected(
  version: string,
  affected: OsvAffectedVersions,
  compare: VersionComparator,
): boolean {
  if (affected.versions?.includes(version)) return true;
  return (affected.ranges ?? []).some(
    (range) => range.type !== 'GIT' && inRange(version, range.events, compare),
  );
}

function inRange(version: string, events: OsvEvent[], compare: VersionComparator): boolean {
  try {
    const limits = events.filter((e) => e.limit !== undefined).map((e) => e.limit!);
    if (limits.length > 0 && !limits.some((l) => l === '*' || compare(version, l) < 0))
      return false;
    const ordered = events
      .filter((e) => e.limit === undefined)
      .map((e, i) => ({ e, i }))
      .sort((x, y) => {
        const a = versionOf(x.e);
        const b = versionOf(y.e);
        if (x.e.introduced === '0') return y.e.introduced === '0' ? x.i - y.i : -1;
        if (y.e.introduced === '0') return 1;
        return compare(a, b) || x.i - y.i;
      })
      .map(({ e }) => e);
    let affected = false;
    for (const e of ordered) {
      if (e.introduced !== undefined) {
        if (e.introduced === '0' || compare(version, e.introduced) >= 0) affected = true;
      } else if (e.fixed !== undefined) {
        if (compare(version, e.fixed) >= 0) affected = false;
      } else if (e.last_affected !== undefined) {
        if (compare(version, e.last_affected) > 0) affected = false;
      }
    }
    return affected;
  } catch {
    return false;
  }
}
