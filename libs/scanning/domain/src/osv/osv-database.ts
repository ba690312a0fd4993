import type { OsvEvent, OsvRange } from './osv-range';

/** One `severity` entry of an OSV record: `CVSS_V3`, `CVSS_V4`, `Ubuntu`, ... and its vector. */
export interface OsvSeverity {
  type: string;
  score: string;
}

/** One `affected` entry of an OSV record: a package and the versions of it that are affected. */
export interface OsvAffected {
  package: { ecosystem: string; name: string; purl?: string };
  ranges?: OsvRange[];
  versions?: string[];
  severity?: OsvSeverity[];
  /** Only the database's own severity words are kept: `severity`, `urgency`, `priority`. */
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

/** The fields of an OSV record (OSV schema 1.x) the scanner reads; others are dropped on load. */
export interface OsvAdvisory {
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  /** Ids of the upstream records this one derives from (e.g. the CVE of a `DEBIAN-CVE-…`). */
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected: OsvAffected[];
  references?: Array<{ type?: string; url: string }>;
  /** Only the severity words and `cwe_ids` are kept. */
  database_specific?: Record<string, unknown>;
}

/** An OSV record that does not have the shape the OSV schema requires. */
export class OsvFormatError extends Error {
  override readonly name = 'OsvFormatError';
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string');

function optionalStrings(
  record: Record<string, unknown>,
  key: string,
  where: string,
): string[] | undefined {
  const v = record[key];
  if (v === undefined || v === null) return undefined;
  if (!isStringArray(v)) throw new OsvFormatError(`${where}: "${key}" is not a list of strings`);
  return v;
}

function optionalString(
  record: Record<string, unknown>,
  key: string,
  where: string,
): string | undefined {
  const v = record[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new OsvFormatError(`${where}: "${key}" is not a string`);
  return v;
}

function severities(v: unknown, where: string): OsvSeverity[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new OsvFormatError(`${where}: "severity" is not a list`);
  return v.map((s, i) => {
    if (!isObject(s) || typeof s.type !== 'string' || typeof s.score !== 'string')
      throw new OsvFormatError(`${where}: severity[${i}] needs string "type" and "score"`);
    return { type: s.type, score: s.score };
  });
}

const SEVERITY_WORDS = ['severity', 'urgency', 'priority'];
const EVENT_KEYS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

function ranges(v: unknown, where: string): OsvRange[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new OsvFormatError(`${where}: "ranges" is not a list`);
  return v.map((r, i) => {
    if (!isObject(r) || typeof r.type !== 'string' || !Array.isArray(r.events))
      throw new OsvFormatError(`${where}: ranges[${i}] needs a string "type" and a list "events"`);
    const events = r.events.map((e, j): OsvEvent => {
      const keys = isObject(e) ? EVENT_KEYS.filter((k) => e[k] !== undefined) : [];
      const key = keys[0];
      if (!isObject(e) || keys.length !== 1 || key === undefined || typeof e[key] !== 'string')
        throw new OsvFormatError(
          `${where}: ranges[${i}].events[${j}] must hold exactly one of ${EVENT_KEYS.join(', ')}`,
        );
      return { [key]: e[key] };
    });
    return { type: r.type, events };
  });
}

/**
 * Checks a parsed JSON value against the parts of the OSV schema the scanner relies on and
 * returns a trimmed copy. Throws OsvFormatError naming the first problem.
 */
export function parseOsvAdvisory(value: unknown): OsvAdvisory {
  if (!isObject(value)) throw new OsvFormatError('an OSV record must be a JSON object');
  const id = value.id;
  if (typeof id !== 'string' || id.trim() === '')
    throw new OsvFormatError('an OSV record needs a non-empty string "id"');
  const where = `OSV record ${id.slice(0, 80)}`;
  const modified = value.modified;
  if (typeof modified !== 'string' || Number.isNaN(Date.parse(modified)))
    throw new OsvFormatError(`${where}: "modified" is not an RFC 3339 time`);
  const affectedList = value.affected ?? [];
  if (!Array.isArray(affectedList)) throw new OsvFormatError(`${where}: "affected" is not a list`);
  const affected = affectedList.map((a, i): OsvAffected => {
    const at = `${where} affected[${i}]`;
    if (!isObject(a) || !isObject(a.package))
      throw new OsvFormatError(`${at}: needs a "package" object`);
    const { ecosystem, name, purl } = a.package;
    if (typeof ecosystem !== 'string' || typeof name !== 'string' || name === '')
      throw new OsvFormatError(`${at}: package needs string "ecosystem" and "name"`);
    const versions = optionalStrings(a, 'versions', at);
    const rangeList = ranges(a.ranges, at);
    const severity = severities(a.severity, at);
    return {
      package: { ecosystem, name, ...(typeof purl === 'string' ? { purl } : {}) },
      ...(rangeList ? { ranges: rangeList } : {}),
      ...(versions ? { versions } : {}),
      ...(severity ? { severity } : {}),
      ...kept('ecosystem_specific', a.ecosystem_specific, SEVERITY_WORDS),
      ...kept('database_specific', a.database_specific, SEVERITY_WORDS),
    };
  });
  const references = value.references;
  if (references !== undefined && references !== null && !Array.isArray(references))
    throw new OsvFormatError(`${where}: "references" is not a list`);
  const refs = (references ?? [])
    .filter((r): r is Record<string, unknown> => isObject(r) && typeof r.url === 'string')
    .map((r) => ({
      ...(typeof r.type === 'string' ? { type: r.type } : {}),
      url: r.url as string,
    }));
  const optional = {
    published: optionalString(value, 'published', where),
    withdrawn: optionalString(value, 'withdrawn', where),
    aliases: optionalStrings(value, 'aliases', where),
    upstream: optionalStrings(value, 'upstream', where),
    summary: optionalString(value, 'summary', where),
    details: optionalString(value, 'details', where),
    severity: severities(value.severity, where),
  };
  return {
    id,
    modified,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    affected,
    ...(refs.length > 0 ? { references: refs } : {}),
    ...kept('database_specific', value.database_specific, [...SEVERITY_WORDS, 'cwe_ids']),
  };
}

/**
 * The listed keys of a `*_specific` bag, under `name`; nothing when none is set. The rest (Go's
 * symbol lists, Debian's source URLs) is dropped so a full database stays small in memory.
 */
function kept(
  name: string,
  bag: unknown,
  keys: readonly string[],
): Record<string, Record<string, unknown>> {
  if (!isObject(bag)) return {};
  const picked = Object.fromEntries(
    keys.filter((k) => bag[k] !== undefined).map((k) => [k, bag[k]]),
  );
  return Object.keys(picked).length > 0 ? { [name]: picked } : {};
}

/** An OSV ecosystem string split into its family (`Debian`) and release (`12`), if any. */
export interface OsvEcosystem {
  /** Lowercased family name, the index key: `debian`, `alpine`, `pypi`, `red hat`, ... */
  family: string;
  /** The release, normalized so that a package's and an advisory's compare equal; '' for none. */
  release: string;
}

/**
 * Splits an OSV ecosystem (`Debian:12`, `Alpine:v3.20`, `Ubuntu:22.04:LTS`, `Red Hat:…`, `npm`)
 * into family and release. Releases are normalized where the same release is written several
 * ways: Alpine `3.20.3` and `v3.20` are `v3.20`; Ubuntu's `:LTS` suffix is dropped (`Pro:` is
 * kept: those fixes reach only Ubuntu Pro subscribers); Red Hat's product strings
 * (`enterprise_linux:9::appstream`) and Rocky/Alma point releases (`9.3`) keep the major only.
 */
export function parseOsvEcosystem(ecosystem: string): OsvEcosystem {
  const colon = ecosystem.indexOf(':');
  const family = (colon < 0 ? ecosystem : ecosystem.slice(0, colon)).trim().toLowerCase();
  const raw = colon < 0 ? '' : ecosystem.slice(colon + 1).trim();
  return { family, release: normalizeRelease(family, raw) };
}

function normalizeRelease(family: string, release: string): string {
  if (release === '') return '';
  switch (family) {
    case 'alpine': {
      const m = /^v?(\d+)\.(\d+)/.exec(release);
      return m ? `v${m[1]}.${m[2]}` : release.toLowerCase();
    }
    case 'ubuntu':
      return release.replace(/:LTS$/i, '').toLowerCase();
    case 'red hat': {
      const m =
        /(?:^|:)(?:enterprise_linux|rhel)[_:-]?(\d+)/i.exec(release) ?? /^(\d+)/.exec(release);
      return m ? (m[1] ?? release) : release.toLowerCase();
    }
    case 'rocky linux':
    case 'almalinux':
    case 'debian': {
      const m = /^(\d+)/.exec(release);
      return m ? (m[1] ?? release) : release.toLowerCase();
    }
    default:
      return release.toLowerCase();
  }
}

/**
 * A package name as its ecosystem compares names: PyPI by PEP 503 (lowercase, runs of `-_.`
 * become `-`); npm, Go module paths, Maven `group:artifact`, crates and distribution packages
 * exactly as written (Maven and Go are case-sensitive; distribution names are already lowercase).
 */
export function normalizePackageName(family: string, name: string): string {
  const trimmed = name.trim();
  if (family === 'pypi') return trimmed.toLowerCase().replace(/[-_.]+/g, '-');
  return trimmed;
}

/** One `affected` entry of a loaded advisory, as the index holds it. */
export interface OsvIndexEntry {
  readonly advisory: OsvAdvisory;
  readonly affected: OsvAffected;
  /** The normalized release of `affected.package.ecosystem`; '' when it names none. */
  readonly release: string;
}

/**
 * The loaded advisories, indexed by (ecosystem family, normalized package name). Withdrawn
 * advisories are counted but not indexed.
 */
export class OsvDatabase {
  private readonly index = new Map<string, OsvIndexEntry[]>();
  private readonly ids = new Set<string>();
  private newest: string | undefined;
  private withdrawnCount = 0;

  constructor(
    /** When the load finished; set by the loader. */
    public loadedAt: string = new Date().toISOString(),
    /** Files or zip entries that were not valid advisories and were skipped. */
    public skipped = 0,
  ) {}

  /** Why the first skipped files were skipped (a bounded list, for the scanner's log). */
  readonly skippedReasons: string[] = [];

  /**
   * Adds an advisory; a second record with the same id replaces nothing and is ignored (osv.dev
   * exports each id once per ecosystem, so a repeat means the same record from two zips).
   * Returns false when the advisory is withdrawn or a repeat.
   */
  add(advisory: OsvAdvisory): boolean {
    if (this.ids.has(advisory.id)) return false;
    this.ids.add(advisory.id);
    if (!this.newest || Date.parse(advisory.modified) > Date.parse(this.newest))
      this.newest = advisory.modified;
    if (advisory.withdrawn !== undefined) {
      this.withdrawnCount += 1;
      return false;
    }
    for (const affected of advisory.affected) {
      const { family, release } = parseOsvEcosystem(affected.package.ecosystem);
      const key = indexKey(family, normalizePackageName(family, affected.package.name));
      const list = this.index.get(key);
      const entry = { advisory, affected, release };
      if (list) list.push(entry);
      else this.index.set(key, [entry]);
    }
    return true;
  }

  /** The `affected` entries for a package of an ecosystem family, every release included. */
  entriesFor(family: string, name: string): readonly OsvIndexEntry[] {
    const f = family.toLowerCase();
    return this.index.get(indexKey(f, normalizePackageName(f, name))) ?? [];
  }

  /** Advisories read, withdrawn ones excluded. */
  get advisoryCount(): number {
    return this.ids.size - this.withdrawnCount;
  }

  /** Withdrawn advisories read and left out of matching. */
  get withdrawn(): number {
    return this.withdrawnCount;
  }

  /** The latest `modified` time among the advisories read: how fresh the database is. */
  get newestModified(): string | undefined {
    return this.newest;
  }
}

const indexKey = (family: string, name: string): string => `${family}\u0000${name}`;
