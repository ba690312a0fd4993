// Streams one large blob in and out of a store and prints the timings and RSS figures as JSON.
// It runs as its own process so the figures belong to a fresh process, not to a test runner
// whose earlier suites left freed heap behind that would hide any growth.
import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { StorageSettings } from '@berth/platform/config';
import { createBlobStore } from '../blob-store.factory';
import { RssSampler, type RssReport } from './rss-sampler';
import { MIB, hashStream, pseudoRandomStream } from './test-streams';

export interface LargeBlobProbeInput {
  settings: StorageSettings;
  bytes: number;
}

export interface LargeBlobProbeReport {
  driver: string;
  bytes: number;
  writtenDigest: string;
  readDigest: string;
  readBytes: number;
  writeMs: number;
  readMs: number;
  write: RssReport;
  read: RssReport;
}

async function probe(input: LargeBlobProbeInput): Promise<LargeBlobProbeReport> {
  const store = await createBlobStore(input.settings);
  const key = `large-blob-probe/${randomUUID()}`;
  try {
    const written = createHash('sha256');
    // The source's own buffers exist before the baseline: they are the client's, not the store's.
    const source = pseudoRandomStream(input.bytes, { chunkSize: MIB, hash: written, ring: 16 });
    const writeRss = new RssSampler(100);
    const t0 = performance.now();
    await store.put(key, source);
    const writeMs = performance.now() - t0;
    const write = writeRss.stop();

    const readRss = new RssSampler(100);
    const t1 = performance.now();
    const read = await hashStream(await store.read(key));
    const readMs = performance.now() - t1;
    return {
      driver: store.driverName,
      bytes: input.bytes,
      writtenDigest: written.digest('hex'),
      readDigest: read.digest,
      readBytes: read.size,
      writeMs,
      readMs,
      write,
      read: readRss.stop(),
    };
  } finally {
    await store.delete(key);
  }
}

if (require.main === module) {
  probe(JSON.parse(process.argv[2] ?? '{}') as LargeBlobProbeInput).then(
    (report) => {
      process.stdout.write(`${JSON.stringify(report)}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
