import Database from 'better-sqlite3';
import type { FileExtractor, LayerFile } from '../layers/file-extractor';
import type { InstalledPackage } from './installed-package';

/**
 * Where rpm keeps its SQLite package database (rpm 4.16+: Fedora 33+, RHEL/Rocky/Alma 9,
 * CBL-Mariner 2, openSUSE). The older Berkeley DB `Packages` (RHEL 7/8, CentOS) and the ndb
 * `Packages.db` (SLES 15) formats are not read.
 */
export const RPM_DATABASE_PATHS = [
  'var/lib/rpm/rpmdb.sqlite',
  'usr/lib/sysimage/rpm/rpmdb.sqlite',
  'usr/share/rpm/rpmdb.sqlite',
];

/** The tags of an rpm header this analyzer reads. */
export const RPM_TAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  SOURCERPM: 1044,
} as const;

/** rpm's header data types (`rpmTagType`) this analyzer accepts. */
export const RPM_TYPE = { INT32: 4, STRING: 6, STRING_ARRAY: 8, I18NSTRING: 9 } as const;

/** One package record of an rpm database, as its header tags give it. */
export interface RpmHeaderPackage {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  arch?: string;
  /** File name of the source package: `openssl-3.0.7-27.el9.src.rpm`. */
  sourceRpm?: string;
  license?: string;
  vendor?: string;
}

/** What an rpm database yielded: its packages, and a note per record that could not be read. */
export interface RpmDatabaseReport {
  packages: InstalledPackage[];
  notes: string[];
}

const PREAMBLE_BYTES = 8;
const INDEX_ENTRY_BYTES = 16;
const TAG_NAMES = new Map<number, string>(Object.entries(RPM_TAG).map(([k, v]) => [v, k]));
const STRING_TAGS = new Set<number>([
  RPM_TAG.NAME,
  RPM_TAG.VERSION,
  RPM_TAG.RELEASE,
  RPM_TAG.VENDOR,
  RPM_TAG.LICENSE,
  RPM_TAG.ARCH,
  RPM_TAG.SOURCERPM,
]);
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Reads the tags Berth needs from one rpm header blob: big-endian index count and data length,
 * that many 16-byte index entries (tag, type, offset, count), then the data store. Every offset
 * and count is checked against the data store; a header that points outside it throws.
 */
export function parseRpmHeader(blob: Buffer): RpmHeaderPackage {
  if (blob.length < PREAMBLE_BYTES) {
    throw new Error(`rpm header is ${blob.length} bytes, shorter than its 8-byte preamble`);
  }
  const indexCount = blob.readUInt32BE(0);
  const dataLength = blob.readUInt32BE(4);
  if (indexCount === 0) throw new Error('rpm header has no index entries');
  const dataStart = PREAMBLE_BYTES + indexCount * INDEX_ENTRY_BYTES;
  const dataEnd = dataStart + dataLength;
  if (dataEnd > blob.length) {
    throw new Error(
      `rpm header declares ${indexCount} index entries and ${dataLength} data bytes ` +
        `(${dataEnd} bytes in all) but is ${blob.length} bytes`,
    );
  }

  const strings = new Map<number, string>();
  let epoch: number | undefined;
  for (let i = 0; i < indexCount; i++) {
    const at = PREAMBLE_BYTES + i * INDEX_ENTRY_BYTES;
    const tag = blob.readInt32BE(at);
    if (tag !== RPM_TAG.EPOCH && !STRING_TAGS.has(tag)) continue;
    const type = blob.readUInt32BE(at + 4);
    const offset = blob.readInt32BE(at + 8);
    const count = blob.readUInt32BE(at + 12);
    const what = `rpm header tag ${TAG_NAMES.get(tag)} (${tag})`;
    if (offset < 0 || offset >= dataLength) {
      throw new Error(`${what}: offset ${offset} is outside the ${dataLength}-byte data store`);
    }
    if (count === 0) throw new Error(`${what}: count is 0`);
    const start = dataStart + offset;
    // A later entry for the same tag (rpm's "dribble" entries) replaces an earlier one.
    if (tag === RPM_TAG.EPOCH) {
      if (type !== RPM_TYPE.INT32) throw new Error(`${what}: type ${type}, expected INT32 (4)`);
      if (offset + 4 * count > dataLength) {
        throw new Error(
          `${what}: ${count} 4-byte values at offset ${offset} overrun the data store`,
        );
      }
      epoch = blob.readInt32BE(start);
    } else {
      if (type === RPM_TYPE.STRING ? count !== 1 : !isStringArrayType(type)) {
        throw new Error(`${what}: type ${type} with count ${count} is not a string`);
      }
      // Each string takes at least its terminating NUL.
      if (count > dataLength - offset) {
        throw new Error(`${what}: ${count} strings at offset ${offset} overrun the data store`);
      }
      const nul = blob.indexOf(0, start);
      if (nul === -1 || nul >= dataEnd) {
        throw new Error(`${what}: string at offset ${offset} is not terminated in the data store`);
      }
      // Of an array or a translated string, the first one (the untranslated text).
      strings.set(tag, blob.toString('utf8', start, nul));
    }
  }

  const required = (tag: number): string => {
    const value = strings.get(tag);
    if (!value) throw new Error(`rpm header has no ${TAG_NAMES.get(tag)} tag`);
    return value;
  };
  // rpm writes `(none)` where a query would print no value.
  const optional = (tag: number): string | undefined => {
    const value = strings.get(tag);
    return value && value !== '(none)' ? value : undefined;
  };
  const arch = optional(RPM_TAG.ARCH);
  const sourceRpm = optional(RPM_TAG.SOURCERPM);
  const license = optional(RPM_TAG.LICENSE);
  const vendor = optional(RPM_TAG.VENDOR);
  return {
    name: required(RPM_TAG.NAME),
    version: required(RPM_TAG.VERSION),
    release: required(RPM_TAG.RELEASE),
    ...(epoch !== undefined ? { epoch } : {}),
    ...(arch ? { arch } : {}),
    ...(sourceRpm ? { sourceRpm } : {}),
    ...(license ? { license } : {}),
    ...(vendor ? { vendor } : {}),
  };
}

function isStringArrayType(type: number): boolean {
  return type === RPM_TYPE.STRING_ARRAY || type === RPM_TYPE.I18NSTRING;
}

/**
 * The source package's name and version-release from its file name:
 * `openssl-3.0.7-27.el9.src.rpm` → `openssl`, `3.0.7-27.el9`.
 */
export function parseSourceRpmName(
  sourceRpm: string,
): { name: string; versionRelease: string } | undefined {
  const m = /^(.+)-([^-]+-[^-]+)\.(?:no)?src\.rpm$/.exec(sourceRpm);
  return m ? { name: m[1], versionRelease: m[2] } : undefined;
}

/** A header as an installed package: version `[epoch:]version-release`, as rpm orders them. */
export function toInstalledRpmPackage(
  header: RpmHeaderPackage,
  location: string,
): InstalledPackage {
  // An EPOCH tag present with 0 is kept (`0:1.2-3`): the header says so, and 0 compares as none.
  const epochPrefix = header.epoch !== undefined ? `${header.epoch}:` : '';
  const source = header.sourceRpm ? parseSourceRpmName(header.sourceRpm) : undefined;
  return {
    ecosystem: 'rpm',
    name: header.name,
    version: `${epochPrefix}${header.version}-${header.release}`,
    // A source file name has no epoch; subpackages share their source's, so the binary's is it.
    ...(source
      ? { sourceName: source.name, sourceVersion: `${epochPrefix}${source.versionRelease}` }
      : {}),
    ...(header.arch ? { arch: header.arch } : {}),
    location,
  };
}

/**
 * Reads an rpm SQLite database (`Packages(hnum, blob)`, one header per row) from memory.
 * `gpg-pubkey` records are the keys rpm trusts, stored as pseudo-packages: they are skipped.
 * A record whose header cannot be read is skipped with a note; a file that is not such a
 * database throws.
 */
export function analyzeRpmDatabase(content: Buffer, location: string): RpmDatabaseReport {
  if (content.length < 100 || !content.subarray(0, 16).equals(SQLITE_MAGIC)) {
    throw new Error('not an SQLite database');
  }
  // rpm keeps the database in WAL mode, which SQLite cannot open in memory. The mode lives in
  // header bytes 18-19 only, marked rollback-journal the same pages read. better-sqlite3 copies
  // the bytes as it opens them, so the caller's buffer is patched only for that moment.
  const journalMode = [content[18], content[19]];
  let db: Database.Database;
  try {
    content[18] = 1;
    content[19] = 1;
    db = new Database(content, { readonly: true });
  } catch (e) {
    throw new Error(`cannot open the database: ${messageOf(e)}`);
  } finally {
    content[18] = journalMode[0];
    content[19] = journalMode[1];
  }
  const packages: InstalledPackage[] = [];
  const notes: string[] = [];
  try {
    const rows = db
      .prepare<[], { hnum: number; blob: unknown }>('SELECT hnum, blob FROM Packages ORDER BY hnum')
      .iterate();
    for (const row of rows) {
      if (!Buffer.isBuffer(row.blob)) {
        notes.push(`${location}: package record ${row.hnum} holds no header blob`);
        continue;
      }
      let header: RpmHeaderPackage;
      try {
        header = parseRpmHeader(row.blob);
      } catch (e) {
        notes.push(`${location}: package record ${row.hnum}: ${messageOf(e)}`);
        continue;
      }
      if (header.name === 'gpg-pubkey') continue;
      packages.push(toInstalledRpmPackage(header, location));
    }
  } catch (e) {
    throw new Error(`cannot read the Packages table: ${messageOf(e)}`);
  } finally {
    db.close();
  }
  return { packages, notes };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isRpmDatabase(file: LayerFile): boolean {
  return RPM_DATABASE_PATHS.includes(file.path);
}

/**
 * Finds installed rpm packages in the SQLite rpm database. Records it cannot read become notes;
 * a file that is not a readable database, or whose records all fail, throws.
 */
export const rpmDatabaseExtractor = {
  name: 'rpm-database',
  kind: 'buffer',
  maxBytes: 256 * 1024 * 1024,
  matches: isRpmDatabase,
  extract(content, file) {
    const { packages, notes } = analyzeRpmDatabase(content, file.path);
    if (packages.length === 0 && notes.length > 0) {
      throw new Error(`no package record could be read (${notes.length} failed): ${notes[0]}`);
    }
    return { packages, notes };
  },
} satisfies FileExtractor;
