import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDependencies, type DependencyEnv } from '@berth/platform/testing';
import { BlobNotFoundError, StorageUnavailableError } from '../blob-store.errors';
import { describeBlobStoreSuite } from '../testing/blob-store-suite';
import { readAll, sha256 } from '../testing/test-streams';
import { S3BlobStore, type S3StorageSettings } from './s3.driver';

const MIB = 1024 * 1024;
// Every run writes under its own prefix, so parallel or aborted runs never see each other's keys.
const runPrefix = `test-runs/s3-driver-${randomUUID()}/`;

let deps: DependencyEnv | undefined;
function dependencies(): DependencyEnv {
  deps ??= ensureDependencies(['s3']);
  return deps;
}

function settings(overrides: Partial<S3StorageSettings> = {}): S3StorageSettings {
  const env = dependencies();
  return {
    kind: 's3',
    endpoint: env.S3_ENDPOINT,
    bucket: env.S3_BUCKET,
    region: env.S3_REGION,
    accessKey: env.S3_ACCESS_KEY,
    secretKey: env.S3_SECRET_KEY,
    partSizeBytes: 16 * MIB,
    presignedRedirect: true,
    ...overrides,
  };
}

function rawClient(): Client {
  const env = dependencies();
  const url = new URL(env.S3_ENDPOINT);
  return new Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: false,
    accessKey: env.S3_ACCESS_KEY,
    secretKey: env.S3_SECRET_KEY,
    region: env.S3_REGION,
    pathStyle: true,
  });
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

beforeAll(() => {
  dependencies();
});

afterAll(async () => {
  if (!deps) return;
  const client = rawClient();
  const names = (
    await collect(
      client.listObjectsV2(deps.S3_BUCKET, runPrefix, true) as AsyncIterable<{ name?: string }>,
    )
  )
    .map((item) => item.name)
    .filter((name): name is string => name !== undefined);
  for (const name of names) await client.removeObject(deps.S3_BUCKET, name);
});

describeBlobStoreSuite(
  's3',
  () => S3BlobStore.connect(settings(), { keyPrefix: `${runPrefix}contract/` }),
  {
    partSizeBytes: 16 * MIB,
    presignedUrls: true,
    largeBlobSettings: settings(),
  },
);

describe('S3BlobStore specifics', () => {
  it('leaves no multipart upload behind after the contract suite', async () => {
    const uploads = await collect(
      rawClient().listIncompleteUploads(dependencies().S3_BUCKET, runPrefix, true),
    );
    expect(uploads).toEqual([]);
  });

  it('keeps every key under its prefix and lists without it', async () => {
    const store = await S3BlobStore.connect(settings(), { keyPrefix: `${runPrefix}prefixed/` });
    await store.put('blobs/sha256/ab/abcdef', Buffer.from('layer'));
    const stat = await rawClient().statObject(
      dependencies().S3_BUCKET,
      `${runPrefix}prefixed/blobs/sha256/ab/abcdef`,
    );
    expect(stat.size).toBe(5);
    expect(await collect(store.list('blobs/'))).toEqual(['blobs/sha256/ab/abcdef']);
  });

  it('moves large blobs with a multipart server-side copy', async () => {
    const store = await S3BlobStore.connect(settings({ partSizeBytes: 5 * MIB }), {
      keyPrefix: `${runPrefix}copy/`,
      multipartCopyThresholdBytes: 6 * MIB,
      copyPartSizeBytes: 5 * MIB,
    });
    const data = randomBytes(12 * MIB + 333);
    await store.put('uploads/u/data', data);
    await store.move('uploads/u/data', 'blobs/big');
    expect(sha256(await readAll(await store.read('blobs/big')))).toBe(sha256(data));
    expect(
      sha256(
        await readAll(await store.read('blobs/big', { start: 5 * MIB - 10, end: 5 * MIB + 9 })),
      ),
    ).toBe(sha256(data.subarray(5 * MIB - 10, 5 * MIB + 10)));
    await expect(store.stat('uploads/u/data')).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('returns no presigned URL when redirects are switched off', async () => {
    const store = await S3BlobStore.connect(settings({ presignedRedirect: false }), {
      keyPrefix: `${runPrefix}noredirect/`,
    });
    await store.put('blob', Buffer.from('x'));
    expect(await store.presignedGetUrl('blob', 60)).toBeUndefined();
  });

  it('creates its bucket when it does not exist', async () => {
    const bucket = `berth-test-${randomUUID().slice(0, 8)}`;
    const client = rawClient();
    try {
      const store = await S3BlobStore.connect(settings({ bucket }));
      expect(await client.bucketExists(bucket)).toBe(true);
      await store.healthCheck();
      await store.put('x', Buffer.from('y'));
      await store.delete('x');
    } finally {
      if (await client.bucketExists(bucket)) await client.removeBucket(bucket);
    }
  });

  it('fails to connect when S3 is unreachable', async () => {
    const dead = settings({ endpoint: 'http://127.0.0.1:1' });
    await expect(S3BlobStore.connect(dead)).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  it('fails its health check when the bucket is gone', async () => {
    const bucket = `berth-test-${randomUUID().slice(0, 8)}`;
    const store = await S3BlobStore.connect(settings({ bucket }));
    await rawClient().removeBucket(bucket);
    await expect(store.healthCheck()).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});
