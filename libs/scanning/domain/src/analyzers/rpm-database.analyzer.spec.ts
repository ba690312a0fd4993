import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  analyzeRpmDatabase,
  parseRpmHeader,
  parseSourceRpmName,
  RPM_TAG,
  RPM_TYPE,
  rpmDatabaseExtractor,
} from './rpm-database.analyzer';

type TagValue =
  | { tag: number; string: string }
  | { tag: number; strings: string[]; type?: number }
  | { tag: number; int32: number };

/** Encodes an rpm header the way rpm stores it: an immutable region first, then the tags. */
function encodeHeader(values: TagValue[]): Buffer {
  const entries: { tag: number; type: number; offset: number; count: number }[] = [];
  const data: Buffer[] = [];
  let size = 0;
  for (const v of values) {
    let bytes: Buffer;
    let type: number;
    let count: number;
    if ('int32' in v) {
      const pad = (4 - (size % 4)) % 4;
      if (pad) {
        data.push(Buffer.alloc(pad));
        size += pad;
      }
      bytes = Buffer.alloc(4);
      bytes.writeInt32BE(v.int32);
      type = RPM_TYPE.INT32;
      count = 1;
    } else if ('string' in v) {
      bytes = Buffer.from(`${v.string}\0`);
      type = RPM_TYPE.STRING;
      count = 1;
    } else {
      bytes = Buffer.from(v.strings.map((s) => `${s}\0`).join(''));
      type = v.type ?? RPM_TYPE.STRING_ARRAY;
      count = v.strings.length;
    }
    entries.push({ tag: v.tag, type, offset: size, count });
    data.push(bytes);
    size += bytes.length;
  }
  // The region trailer: a copy of the region entry whose offset is minus the region's index size.
  const trailer = Buffer.alloc(16);
  trailer.writeInt32BE(63, 0);
  trailer.writeUInt32BE(7, 4);
  trailer.writeInt32BE(-16 * (entries.length + 1), 8);
  trailer.writeUInt32BE(16, 12);
  entries.unshift({ tag: 63, type: 7, offset: size, count: 16 });
  data.push(trailer);
  size += 16;

  const head = Buffer.alloc(8 + 16 * entries.length);
  head.writeUInt32BE(entries.length, 0);
  head.writeUInt32BE(size, 4);
  entries.forEach((e, i) => {
    head.writeInt32BE(e.tag, 8 + 16 * i);
    head.writeUInt32BE(e.type, 12 + 16 * i);
    head.writeInt32BE(e.offset, 16 + 16 * i);
    head.writeUInt32BE(e.count, 20 + 16 * i);
  });
  return Buffer.concat([head, ...data]);
}

interface PackageSpec {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  arch?: string;
  sourceRpm?: string;
  license?: string;
  vendor?: string;
}

function headerOf(p: PackageSpec): Buffer {
  const values: TagValue[] = [
    { tag: RPM_TAG.NAME, string: p.name },
    { tag: RPM_TAG.VERSION, string: p.version },
    { tag: RPM_TAG.RELEASE, string: p.release },
  ];
  if (p.epoch !== undefined) values.push({ tag: RPM_TAG.EPOCH, int32: p.epoch });
  if (p.vendor) values.push({ tag: RPM_TAG.VENDOR, string: p.vendor });
  if (p.license) values.push({ tag: RPM_TAG.LICENSE, string: p.license });
  if (p.arch) values.push({ tag: RPM_TAG.ARCH, string: p.arch });
  values.push({ tag: RPM_TAG.SOURCERPM, string: p.sourceRpm ?? '(none)' });
  return encodeHeader(values);
}

/** An rpmdb.sqlite as rpm creates it (WAL mode), holding the given header blobs. */
function rpmdb(blobs: unknown[]): Buffer {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
  for (const blob of blobs) insert.run(blob);
  const image = db.serialize();
  db.close();
  // rpm's databases are in WAL mode; that lives in header bytes 18-19.
  image[18] = 2;
  image[19] = 2;
  return image;
}

const OPENSSL: PackageSpec = {
  name: 'openssl-libs',
  version: '3.0.7',
  release: '27.el9',
  epoch: 1,
  arch: 'x86_64',
  sourceRpm: 'openssl-3.0.7-27.el9.src.rpm',
  license: 'ASL 2.0',
  vendor: 'Rocky Enterprise Software Foundation',
};
const BASH: PackageSpec = {
  name: 'bash',
  version: '5.1.8',
  release: '9.el9',
  arch: 'x86_64',
  sourceRpm: 'bash-5.1.8-9.el9.src.rpm',
};
const GPG_PUBKEY: PackageSpec = {
  name: 'gpg-pubkey',
  version: '350d275d',
  release: '6279464b',
  license: 'pubkey',
};

describe('rpm header', () => {
  it('reads name, epoch, version, release, arch, source, license and vendor', () => {
    expect(parseRpmHeader(headerOf(OPENSSL))).toEqual({
      name: 'openssl-libs',
      version: '3.0.7',
      release: '27.el9',
      epoch: 1,
      arch: 'x86_64',
      sourceRpm: 'openssl-3.0.7-27.el9.src.rpm',
      license: 'ASL 2.0',
      vendor: 'Rocky Enterprise Software Foundation',
    });
  });

  it('leaves out values rpm records as (none)', () => {
    expect(parseRpmHeader(headerOf(GPG_PUBKEY))).toEqual({
      name: 'gpg-pubkey',
      version: '350d275d',
      release: '6279464b',
      license: 'pubkey',
    });
  });

  it('takes the first string of a translated string tag', () => {
    const header = encodeHeader([
      { tag: RPM_TAG.NAME, string: 'tzdata' },
      { tag: RPM_TAG.VERSION, string: '2024a' },
      { tag: RPM_TAG.RELEASE, string: '1.el9' },
      { tag: RPM_TAG.LICENSE, strings: ['Public Domain', 'Domaine public'], type: 9 },
    ]);
    expect(parseRpmHeader(header).license).toBe('Public Domain');
  });

  it('splits a source rpm file name into name and version-release', () => {
    expect(parseSourceRpmName('openssl-3.0.7-27.el9.src.rpm')).toEqual({
      name: 'openssl',
      versionRelease: '3.0.7-27.el9',
    });
    expect(parseSourceRpmName('python3.11-setuptools-65.5.1-2.el9.nosrc.rpm')).toEqual({
      name: 'python3.11-setuptools',
      versionRelease: '65.5.1-2.el9',
    });
    expect(parseSourceRpmName('not-a-source-package.rpm')).toBeUndefined();
  });

  describe('hostile headers fail with a clear error', () => {
    const good = headerOf(BASH);
    const entryOf = (tag: number): number => {
      for (let at = 8; at < 8 + 16 * good.readUInt32BE(0); at += 16) {
        if (good.readInt32BE(at) === tag) return at;
      }
      throw new Error(`no tag ${tag}`);
    };
    const patched = (patch: (b: Buffer) => void): Buffer => {
      const b = Buffer.from(good);
      patch(b);
      return b;
    };

    it('shorter than its preamble', () => {
      expect(() => parseRpmHeader(Buffer.from([0, 0, 0]))).toThrow(/shorter than its 8-byte/);
    });

    it('declares more index entries or data than it holds', () => {
      expect(() => parseRpmHeader(patched((b) => b.writeUInt32BE(0xffffffff, 0)))).toThrow(
        /declares 4294967295 index entries/,
      );
      expect(() => parseRpmHeader(patched((b) => b.writeUInt32BE(0x7fffffff, 4)))).toThrow(
        /but is \d+ bytes/,
      );
      expect(() => parseRpmHeader(good.subarray(0, good.length - 1))).toThrow(/but is \d+ bytes/);
    });

    it('points a tag outside the data store', () => {
      const at = entryOf(RPM_TAG.NAME);
      expect(() => parseRpmHeader(patched((b) => b.writeInt32BE(100000, at + 8)))).toThrow(
        'rpm header tag NAME (1000): offset 100000 is outside the',
      );
      expect(() => parseRpmHeader(patched((b) => b.writeInt32BE(-4, at + 8)))).toThrow(
        /NAME \(1000\): offset -4 is outside/,
      );
    });

    it('claims a huge count', () => {
      const epoch = encodeHeader([
        { tag: RPM_TAG.NAME, string: 'a' },
        { tag: RPM_TAG.EPOCH, int32: 2 },
      ]);
      const epochAt = 8 + 16 * 2;
      expect(epoch.readInt32BE(epochAt)).toBe(RPM_TAG.EPOCH);
      epoch.writeUInt32BE(0x40000000, epochAt + 12);
      expect(() => parseRpmHeader(epoch)).toThrow(
        /EPOCH \(1003\): 1073741824 4-byte values at offset \d+ overrun the data store/,
      );

      const names = encodeHeader([{ tag: RPM_TAG.LICENSE, strings: ['MIT'] }]);
      names.writeUInt32BE(0xffffffff, 8 + 16 + 12);
      expect(() => parseRpmHeader(names)).toThrow(/LICENSE \(1014\): 4294967295 strings/);
    });

    it('has a string with no terminating NUL inside the data store', () => {
      const header = encodeHeader([{ tag: RPM_TAG.NAME, string: 'bash' }]);
      // The NAME string runs into the region trailer; make its NUL and everything after non-zero.
      header.fill(0x41, 8 + 16 * 2);
      expect(() => parseRpmHeader(header)).toThrow(
        /NAME \(1000\): string at offset 0 is not terminated/,
      );
    });

    it('gives a tag the wrong type or no value', () => {
      const at = entryOf(RPM_TAG.NAME);
      expect(() => parseRpmHeader(patched((b) => b.writeUInt32BE(RPM_TYPE.INT32, at + 4)))).toThrow(
        /NAME \(1000\): type 4 with count 1 is not a string/,
      );
      expect(() => parseRpmHeader(patched((b) => b.writeUInt32BE(0, at + 12)))).toThrow(
        /NAME \(1000\): count is 0/,
      );
      expect(() => parseRpmHeader(patched((b) => b.writeInt32BE(999, at)))).toThrow(
        'rpm header has no NAME tag',
      );
    });
  });
});

describe('rpm database', () => {
  it('lists the packages of an rpmdb.sqlite, skipping gpg-pubkey records', () => {
    const db = rpmdb([headerOf(GPG_PUBKEY), headerOf(BASH), headerOf(OPENSSL)]);
    const report = analyzeRpmDatabase(db, 'var/lib/rpm/rpmdb.sqlite');
    expect(report.notes).toEqual([]);
    expect(report.packages).toEqual([
      {
        ecosystem: 'rpm',
        name: 'bash',
        version: '5.1.8-9.el9',
        sourceName: 'bash',
        sourceVersion: '5.1.8-9.el9',
        arch: 'x86_64',
        location: 'var/lib/rpm/rpmdb.sqlite',
      },
      {
        ecosystem: 'rpm',
        name: 'openssl-libs',
        version: '1:3.0.7-27.el9',
        sourceName: 'openssl',
        sourceVersion: '1:3.0.7-27.el9',
        arch: 'x86_64',
        location: 'var/lib/rpm/rpmdb.sqlite',
      },
    ]);
  });

  it('keeps an epoch of 0 the header states', () => {
    const db = rpmdb([headerOf({ ...BASH, epoch: 0 })]);
    expect(analyzeRpmDatabase(db, 'x').packages[0].version).toBe('0:5.1.8-9.el9');
  });

  it('does not change the buffer it is given', () => {
    const db = rpmdb([headerOf(BASH)]);
    const before = Buffer.from(db);
    analyzeRpmDatabase(db, 'x');
    expect(db.equals(before)).toBe(true);
  });

  it('notes a record it cannot read and keeps the others', () => {
    const bad = headerOf(BASH);
    bad.writeUInt32BE(0xffff, 0);
    const db = rpmdb([bad, headerOf(OPENSSL), 'a text value']);
    const report = analyzeRpmDatabase(db, 'var/lib/rpm/rpmdb.sqlite');
    expect(report.packages.map((p) => p.name)).toEqual(['openssl-libs']);
    expect(report.notes).toEqual([
      expect.stringMatching(
        /^var\/lib\/rpm\/rpmdb\.sqlite: package record 1: rpm header declares 65535 index entries/,
      ),
      'var/lib/rpm/rpmdb.sqlite: package record 3 holds no header blob',
    ]);
  });

  it('throws on a file that is not an rpm SQLite database', () => {
    expect(() => analyzeRpmDatabase(Buffer.alloc(4096, 1), 'var/lib/rpm/rpmdb.sqlite')).toThrow(
      'not an SQLite database',
    );
    const db = new Database(':memory:');
    db.exec('CREATE TABLE Other (a)');
    const other = db.serialize();
    db.close();
    expect(() => analyzeRpmDatabase(other, 'var/lib/rpm/rpmdb.sqlite')).toThrow(
      'cannot read the Packages table: no such table: Packages',
    );
  });

  it('is the extractor for the rpmdb.sqlite locations, and fails when no record is readable', async () => {
    const match = (path: string) => rpmDatabaseExtractor.matches({ path, size: 1, mode: 0o644 });
    expect(match('var/lib/rpm/rpmdb.sqlite')).toBe(true);
    expect(match('usr/lib/sysimage/rpm/rpmdb.sqlite')).toBe(true);
    expect(match('var/lib/rpm/Packages')).toBe(false);
    expect(match('home/me/var/lib/rpm/rpmdb.sqlite')).toBe(false);
    const file = { path: 'var/lib/rpm/rpmdb.sqlite', size: 1, mode: 0o644 };
    const found = await rpmDatabaseExtractor.extract(rpmdb([headerOf(BASH)]), file);
    expect(found.packages?.map((p) => p.version)).toEqual(['5.1.8-9.el9']);
    const bad = headerOf(BASH);
    bad.writeUInt32BE(0, 0);
    expect(() => rpmDatabaseExtractor.extract(rpmdb([bad]), file)).toThrow(
      /no package record could be read \(1 failed\).*record 1: rpm header has no index entries/,
    );
  });
});
