import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { StorageSettings } from '@berth/platform/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../blob-store.port';
import {
  BlobNotFoundError,
  BlobWriterStateError,
  InvalidBlobKeyError,
  RangeNotSatisfiableError,
  StorageError,
} from '../blob-store.errors';
import type { RssReport } from './rss-sampler';
import type { LargeBlobProbeInput, LargeBlobProbeReport } from './large-blob.probe';
import {
  chunkedStream,
  failingStream,
  GIB,
  hashStream,
  KIB,
  MIB,
  pseudoRandomStream,
  readAll,
  sha256,
  stallingStream,
} from './test-streams';

export interface BlobStoreSuiteOptions {
  /** Bytes a driver buffers per write (S3 part size); multi-part tests write a few of these. */
  partSizeBytes?: number;
  /** Whether presignedGetUrl must return a URL that serves the blob (true) or undefined (false). */
  presignedUrls?: boolean;
  /** Size of the blob streamed through with bounded memory; default 2 GiB. */
  largeBlobBytes?: number;
  /** Allowed growth of the process RSS while it streams; default 64 MiB. */
  maxRssGrowthBytes?: number;
  /** Settings for the same driver, opened in a fresh process for the bounded-memory test. */
  largeBlobSettings?: StorageSettings;
}

/**
 * The BlobStore contract, written once and run against every driver (as CNCF distribution
 * does). `factory` gives a store to test; every key the suite makes lives under one random
 * namespace, removed at the end.
 */
export function describeBlobStoreSuite(
  name: string,
  factory: () => Promise<BlobStore>,
  options: BlobStoreSuiteOptions = {},
): void {
  const partSize = options.partSizeBytes ?? 16 * MIB;
  const largeBytes = options.largeBlobBytes ?? 2 * GIB;
  const maxRssGrowth = options.maxRssGrowthBytes ?? 64 * MIB;

  describe(`BlobStore contract: ${name}`, () => {
    const ns = `contract-${randomUUID()}`;
    const k = (suffix: string): string => `${ns}/${suffix}`;
    let store: BlobStore;

    beforeAll(async () => {
      store = await factory();
    });

    afterAll(async () => {
      if (!store) return;
      for (const key of await listAll(store, `${ns}/`)) await store.delete(key);
    });

    describe('bounded memory', () => {
      it.runIf(options.largeBlobSettings)(
        `streams a ${formatBytes(largeBytes)} blob in and out with at most ${formatBytes(maxRssGrowth)} of extra RSS`,
        { timeout: 10 * 60_000 },
        async () => {
          const report = await runLargeBlobProbe({
            settings: options.largeBlobSettings as StorageSettings,
            bytes: largeBytes,
          });
          console.info(describeReport(report));
          expect(report.readBytes).toBe(largeBytes);
          expect(report.readDigest).toBe(report.writtenDigest);
          expect(report.write.growthBytes).toBeLessThanOrEqual(maxRssGrowth);
          expect(report.read.growthBytes).toBeLessThanOrEqual(maxRssGrowth);
        },
      );
    });

    describe('round trip', () => {
      it('puts bytes, stats them, reads them back and deletes them', async () => {
        const key = k('round-trip/blob');
        const data = randomBytes(100 * KIB + 7);
        const put = await store.put(key, data);
        expect(put).toMatchObject({ key, size: data.length });
        expect(put.modifiedAt).toBeInstanceOf(Date);

        const stat = await store.stat(key);
        expect(stat.size).toBe(data.length);
        expect(Math.abs(stat.modifiedAt.getTime() - Date.now())).toBeLessThan(5 * 60_000);
        expect(sha256(await readAll(await store.read(key)))).toBe(sha256(data));

        await store.delete(key);
        await expect(store.stat(key)).rejects.toBeInstanceOf(BlobNotFoundError);
        await expect(store.read(key)).rejects.toBeInstanceOf(BlobNotFoundError);
      });

      it('streams a source of uneven chunks spanning several parts', async () => {
        const key = k('round-trip/multi-part');
        const data = randomBytes(2 * partSize + 123_457);
        const put = await store.put(key, chunkedStream(data, 3 * MIB));
        expect(put.size).toBe(data.length);
        expect((await store.stat(key)).size).toBe(data.length);
        expect(sha256(await readAll(await store.read(key)))).toBe(sha256(data));
      });

      it('stores a blob of exactly one part and an empty blob', async () => {
        const exact = randomBytes(partSize);
        await store.put(k('round-trip/exact-part'), exact);
        expect(sha256(await readAll(await store.read(k('round-trip/exact-part'))))).toBe(
          sha256(exact),
        );

        const empty = await store.put(k('round-trip/empty'), Buffer.alloc(0));
        expect(empty.size).toBe(0);
        expect((await store.stat(k('round-trip/empty'))).size).toBe(0);
        expect((await readAll(await store.read(k('round-trip/empty')))).length).toBe(0);
      });

      it('accepts keys with every allowed punctuation character', async () => {
        const key = k('punct/sha256:ab+cd@e=f~g_h-i.j');
        const data = randomBytes(1000);
        await store.put(key, data);
        expect(await readAll(await store.read(key))).toEqual(data);
        expect(await listAll(store, k('punct/'))).toEqual([key]);
      });
    });

    describe('ranged reads', () => {
      const key = (): string => k('range/blob');
      const data = randomBytes(1000);

      beforeAll(async () => {
        await store.put(key(), data);
      });

      it('reads from a start to the end', async () => {
        expect(await readAll(await store.read(key(), { start: 100 }))).toEqual(data.subarray(100));
      });

      it('reads an inclusive start-end range', async () => {
        expect(await readAll(await store.read(key(), { start: 10, end: 19 }))).toEqual(
          data.subarray(10, 20),
        );
      });

      it('reads a single byte, first and last', async () => {
        expect(await readAll(await store.read(key(), { start: 0, end: 0 }))).toEqual(
          data.subarray(0, 1),
        );
        expect(await readAll(await store.read(key(), { start: 999, end: 999 }))).toEqual(
          data.subarray(999),
        );
      });

      it('clamps an end past the last byte', async () => {
        expect(await readAll(await store.read(key(), { start: 990, end: 5000 }))).toEqual(
          data.subarray(990),
        );
      });

      it('rejects a start at or past the end with a typed error that carries the size', async () => {
        for (const start of [1000, 5000]) {
          const error = await store.read(key(), { start }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(RangeNotSatisfiableError);
          expect((error as RangeNotSatisfiableError).size).toBe(1000);
          expect((error as RangeNotSatisfiableError).code).toBe('RANGE_NOT_SATISFIABLE');
        }
      });

      it('rejects malformed ranges and any range of an empty blob', async () => {
        await expect(store.read(key(), { start: 10, end: 5 })).rejects.toBeInstanceOf(
          RangeNotSatisfiableError,
        );
        await expect(store.read(key(), { start: -1 })).rejects.toBeInstanceOf(
          RangeNotSatisfiableError,
        );
        await store.put(k('range/empty'), Buffer.alloc(0));
        await expect(store.read(k('range/empty'), { start: 0 })).rejects.toBeInstanceOf(
          RangeNotSatisfiableError,
        );
      });

      it('reads a range that crosses a part boundary', async () => {
        const big = randomBytes(partSize + 4 * KIB);
        await store.put(k('range/big'), chunkedStream(big, MIB));
        const start = partSize - 1000;
        const got = await readAll(await store.read(k('range/big'), { start, end: partSize + 999 }));
        expect(got).toEqual(big.subarray(start, partSize + 1000));
      });

      it('reports a missing blob before the range', async () => {
        await expect(store.read(k('range/missing'), { start: 0 })).rejects.toBeInstanceOf(
          BlobNotFoundError,
        );
      });
    });

    describe('concurrency', () => {
      it('keeps 16 parallel streamed puts and reads of distinct keys apart', async () => {
        const blobs = Array.from({ length: 16 }, (_, i) => ({
          key: k(`parallel/${i}`),
          data: randomBytes(64 * KIB + Math.floor(Math.random() * 3 * MIB)),
        }));
        const puts = await Promise.all(
          blobs.map((b) => store.put(b.key, chunkedStream(b.data, 128 * KIB))),
        );
        puts.forEach((p, i) => expect(p.size).toBe(blobs[i].data.length));

        const reads = await Promise.all(
          blobs.map(async (b) => hashStream(await store.read(b.key))),
        );
        reads.forEach((r, i) =>
          expect(r).toEqual({ digest: sha256(blobs[i].data), size: blobs[i].data.length }),
        );
      });

      it('lets readers see the old blob or the new one while it is overwritten, never a mix', async () => {
        const key = k('overwrite/blob');
        const before = randomBytes(3 * MIB);
        const after = randomBytes(3 * MIB + 17);
        await store.put(key, before);
        const allowed = new Set([sha256(before), sha256(after)]);

        let writing = true;
        const seen = new Set<string>();
        const reader = async (): Promise<void> => {
          while (writing) seen.add((await hashStream(await store.read(key))).digest);
        };
        const readers = Array.from({ length: 4 }, reader);
        await store.put(key, chunkedStream(after, 64 * KIB));
        writing = false;
        await Promise.all(readers);

        for (const digest of seen) expect(allowed.has(digest)).toBe(true);
        expect(sha256(await readAll(await store.read(key)))).toBe(sha256(after));
      });

      it('takes one append at a time per writer', async () => {
        const writer = await store.createWriter(k('writer/busy'));
        try {
          const first = writer.append(chunkedStream(randomBytes(MIB)));
          await expect(writer.append(Buffer.from('x'))).rejects.toBeInstanceOf(
            BlobWriterStateError,
          );
          await expect(writer.commit()).rejects.toBeInstanceOf(BlobWriterStateError);
          await first;
        } finally {
          await writer.abort();
        }
      });
    });

    describe('partial writes are never visible', () => {
      it('shows nothing until commit, then the whole blob; the writer is closed afterwards', async () => {
        const key = k('writer/commit');
        const parts = [
          randomBytes(partSize - 3),
          randomBytes(7),
          randomBytes(partSize + 11),
          randomBytes(5),
        ];
        const writer = await store.createWriter(key);
        expect(writer.key).toBe(key);
        let total = 0;
        for (const part of parts) {
          total += part.length;
          // Alternate buffers and streams, as PATCH bodies arrive.
          expect(await writer.append(part.length > MIB ? chunkedStream(part) : part)).toBe(total);
          expect(writer.size).toBe(total);
          await expect(store.stat(key)).rejects.toBeInstanceOf(BlobNotFoundError);
        }
        expect(await listAll(store, k('writer/commit'))).toEqual([]);

        const stat = await writer.commit();
        expect(stat).toMatchObject({ key, size: total });
        expect(sha256(await readAll(await store.read(key)))).toBe(sha256(Buffer.concat(parts)));

        await expect(writer.append(Buffer.from('late'))).rejects.toBeInstanceOf(
          BlobWriterStateError,
        );
        await expect(writer.commit()).rejects.toBeInstanceOf(BlobWriterStateError);
        await writer.abort();
        expect((await store.stat(key)).size).toBe(total);
      });

      it('leaves nothing after abort, and abort is idempotent', async () => {
        const key = k('writer/aborted');
        const writer = await store.createWriter(key);
        await writer.append(pseudoRandomStream(partSize + MIB));
        await writer.abort();
        await writer.abort();
        await expect(store.stat(key)).rejects.toBeInstanceOf(BlobNotFoundError);
        await expect(writer.append(Buffer.from('x'))).rejects.toBeInstanceOf(BlobWriterStateError);
        await expect(writer.commit()).rejects.toBeInstanceOf(BlobWriterStateError);
        expect(await listAll(store, k('writer/aborted'))).toEqual([]);
      });

      it('interrupts an append whose source stalls when the writer is aborted', async () => {
        const key = k('writer/stalled');
        const writer = await store.createWriter(key);
        const appending = writer.append(stallingStream(randomBytes(64 * KIB)));
        await new Promise((resolve) => setTimeout(resolve, 50));
        await writer.abort();
        await expect(appending).rejects.toThrow();
        await expect(store.stat(key)).rejects.toBeInstanceOf(BlobNotFoundError);
      });

      it('drops a put whose source fails midway, with the source error', async () => {
        const key = k('failing/new');
        const error = new Error('client went away');
        await expect(store.put(key, failingStream(partSize + 2 * MIB, error))).rejects.toBe(error);
        await expect(store.stat(key)).rejects.toBeInstanceOf(BlobNotFoundError);
        await expect(store.read(key)).rejects.toBeInstanceOf(BlobNotFoundError);
        expect(await listAll(store, k('failing/new'))).toEqual([]);
      });

      it('keeps the previous blob when an overwrite fails midway', async () => {
        const key = k('failing/existing');
        const original = randomBytes(300 * KIB);
        await store.put(key, original);
        await expect(store.put(key, failingStream(MIB, new Error('cut')))).rejects.toThrow('cut');
        expect(sha256(await readAll(await store.read(key)))).toBe(sha256(original));
      });

      it('aborts the writer when an append fails', async () => {
        const key = k('failing/writer');
        const writer = await store.createWriter(key);
        await writer.append(randomBytes(KIB));
        await expect(writer.append(failingStream(MIB, new Error('reset')))).rejects.toThrow(
          'reset',
        );
        await expect(writer.commit()).rejects.toBeInstanceOf(BlobWriterStateError);
        await expect(store.stat(key)).rejects.toBeInstanceOf(BlobNotFoundError);
      });
    });

    describe('missing blobs', () => {
      it('stat and read throw BlobNotFoundError with its code and key', async () => {
        const key = k('missing/blob');
        const error = await store.stat(key).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BlobNotFoundError);
        expect(error).toBeInstanceOf(StorageError);
        expect(error).toMatchObject({ code: 'BLOB_NOT_FOUND', key });
        await expect(store.read(key)).rejects.toBeInstanceOf(BlobNotFoundError);
      });

      it('treats a key that is only a prefix of other keys as missing', async () => {
        await store.put(k('dirlike/inner/blob'), Buffer.from('x'));
        await expect(store.stat(k('dirlike/inner'))).rejects.toBeInstanceOf(BlobNotFoundError);
        await expect(store.read(k('dirlike/inner'))).rejects.toBeInstanceOf(BlobNotFoundError);
        await store.delete(k('dirlike/inner'));
        expect((await store.stat(k('dirlike/inner/blob'))).size).toBe(1);
      });

      it('deletes a missing blob without complaint, and twice', async () => {
        await store.delete(k('missing/never'));
        await store.put(k('missing/twice'), Buffer.from('x'));
        await store.delete(k('missing/twice'));
        await store.delete(k('missing/twice'));
        await expect(store.stat(k('missing/twice'))).rejects.toBeInstanceOf(BlobNotFoundError);
      });
    });

    describe('list', () => {
      beforeAll(async () => {
        for (const key of ['a/b/1', 'a/b/2', 'a/bc/3', 'a/c', 'other/x'])
          await store.put(k(`list/${key}`), Buffer.from(key));
      });

      it('lists keys under a directory-like prefix', async () => {
        expect(await listAll(store, k('list/a/b/'))).toEqual([k('list/a/b/1'), k('list/a/b/2')]);
      });

      it('treats the prefix as a plain string prefix', async () => {
        expect(await listAll(store, k('list/a/b'))).toEqual([
          k('list/a/b/1'),
          k('list/a/b/2'),
          k('list/a/bc/3'),
        ]);
        expect(await listAll(store, k('list/a/'))).toHaveLength(4);
        expect(await listAll(store, k('list/'))).toHaveLength(5);
      });

      it('lists nothing under an unknown prefix and never lists staged writes', async () => {
        expect(await listAll(store, k('list/none/'))).toEqual([]);
        const writer = await store.createWriter(k('list/staged'));
        await writer.append(randomBytes(KIB));
        expect(await listAll(store, k('list/'))).toHaveLength(5);
        await writer.abort();
      });
    });

    describe('move', () => {
      it('moves a blob to a new key', async () => {
        const data = randomBytes(200 * KIB);
        await store.put(k('move/from'), data);
        await store.move(k('move/from'), k('move/to/deep/blob'));
        expect(sha256(await readAll(await store.read(k('move/to/deep/blob'))))).toBe(sha256(data));
        await expect(store.stat(k('move/from'))).rejects.toBeInstanceOf(BlobNotFoundError);
      });

      it('replaces a blob already at the target and leaves a self-move alone', async () => {
        const data = randomBytes(10 * KIB);
        await store.put(k('move/over-src'), data);
        await store.put(k('move/over-dst'), randomBytes(20 * KIB));
        await store.move(k('move/over-src'), k('move/over-dst'));
        expect(await readAll(await store.read(k('move/over-dst')))).toEqual(data);
        await store.move(k('move/over-dst'), k('move/over-dst'));
        expect(await readAll(await store.read(k('move/over-dst')))).toEqual(data);
      });

      it('moves a committed upload to its content address, as a registry does', async () => {
        const data = randomBytes(partSize + 5 * KIB);
        const digest = sha256(data);
        const writer = await store.createWriter(k(`uploads/${randomUUID()}/data`));
        await writer.append(chunkedStream(data, MIB));
        await writer.commit();
        const target = k(`blobs/sha256/${digest.slice(0, 2)}/${digest}`);
        await store.move(writer.key, target);
        expect((await hashStream(await store.read(target))).digest).toBe(digest);
        expect(await listAll(store, k('uploads/'))).toEqual([]);
      });

      it('throws BlobNotFoundError for a missing source', async () => {
        await expect(store.move(k('move/missing'), k('move/anywhere'))).rejects.toBeInstanceOf(
          BlobNotFoundError,
        );
        await expect(store.stat(k('move/anywhere'))).rejects.toBeInstanceOf(BlobNotFoundError);
      });
    });

    describe('key validation', () => {
      const invalid = [
        '',
        '/absolute',
        'a//b',
        'trailing/',
        '..',
        '../escape',
        'a/../b',
        'a/./b',
        '.',
        '_tmp/x',
        'space in/key',
        'back\\slash',
        'nul\0byte',
        'perc%2Fent',
        'x'.repeat(1025),
      ];

      it.each(
        invalid.map((key) => [JSON.stringify(key.length > 40 ? `${key.slice(0, 10)}…` : key), key]),
      )('rejects %s everywhere with InvalidBlobKeyError', async (_label, key) => {
        const calls: Array<() => Promise<unknown>> = [
          () => store.stat(key),
          () => store.read(key),
          () => store.put(key, Buffer.from('x')),
          () => store.createWriter(key),
          () => store.delete(key),
          () => store.move(key, k('valid')),
          () => store.move(k('valid'), key),
          () => store.presignedGetUrl(key, 60),
        ];
        for (const call of calls) {
          const error = await call().catch((e: unknown) => e);
          expect(error).toBeInstanceOf(InvalidBlobKeyError);
          expect((error as InvalidBlobKeyError).code).toBe('INVALID_BLOB_KEY');
        }
      });

      it('rejects invalid list prefixes', async () => {
        for (const prefix of ['/', '../', 'a/../', 'a//']) {
          await expect(listAll(store, prefix)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        }
      });
    });

    describe('operations', () => {
      it('passes its health check', async () => {
        await expect(store.healthCheck()).resolves.toBeUndefined();
      });

      it(
        options.presignedUrls
          ? 'hands out a presigned URL that serves the blob'
          : 'has no presigned URLs',
        async () => {
          const key = k('presigned/blob');
          const data = randomBytes(10 * KIB);
          await store.put(key, data);
          const url = await store.presignedGetUrl(key, 60);
          if (!options.presignedUrls) {
            expect(url).toBeUndefined();
            return;
          }
          expect(url).toMatch(/^https?:\/\//);
          const res = await fetch(url as string);
          expect(res.status).toBe(200);
          expect(Buffer.from(await res.arrayBuffer())).toEqual(data);
        },
      );
    });
  });
}

async function listAll(store: BlobStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys.sort();
}

function formatBytes(n: number): string {
  if (n >= GIB && n % GIB === 0) return `${n / GIB} GiB`;
  if (n >= MIB) return `${Math.round(n / MIB)} MiB`;
  return `${Math.round(n / KIB)} KiB`;
}

function describeReport(r: LargeBlobProbeReport): string {
  const rate = (ms: number): string => `${(r.bytes / MIB / (ms / 1000)).toFixed(0)} MiB/s`;
  const mib = (n: number): string => `${(n / MIB).toFixed(1)} MiB`;
  const phase = (name: string, ms: number, rss: RssReport): string =>
    `${name} ${(ms / 1000).toFixed(1)} s (${rate(ms)}), RSS ${mib(rss.baselineBytes)} +${mib(rss.growthBytes)} at peak`;
  return `[blob-store ${r.driver}] ${formatBytes(r.bytes)}: ${phase('write', r.writeMs, r.write)}; ${phase('read', r.readMs, r.read)}`;
}

async function runLargeBlobProbe(input: LargeBlobProbeInput): Promise<LargeBlobProbeReport> {
  const probe = path.join(__dirname, 'large-blob.probe.ts');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', '@swc-node/register', probe, JSON.stringify(input)],
    {
      cwd: path.resolve(__dirname, '../../../../..'),
      maxBuffer: 1024 * 1024,
      timeout: 10 * 60_000,
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as LargeBlobProbeReport;
}
