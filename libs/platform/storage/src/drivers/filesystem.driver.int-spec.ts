import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidBlobKeyError, StorageUnavailableError } from '../blob-store.errors';
import { describeBlobStoreSuite } from '../testing/blob-store-suite';
import { FilesystemBlobStore } from './filesystem.driver';

let root: string;
const largeBlobRoot = path.join(os.tmpdir(), `berth-fs-large-${process.pid}`);

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-fs-store-'));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
  await fs.rm(largeBlobRoot, { recursive: true, force: true });
});

describeBlobStoreSuite(
  'filesystem',
  () => FilesystemBlobStore.open({ root: path.join(root, 'contract') }),
  {
    presignedUrls: false,
    largeBlobSettings: { kind: 'filesystem', root: largeBlobRoot },
  },
);

describe('FilesystemBlobStore specifics', () => {
  it('leaves nothing staged in _tmp after the contract suite, and no empty directories', async () => {
    expect(await fs.readdir(path.join(root, 'contract', '_tmp'))).toEqual([]);
    expect(await fs.readdir(path.join(root, 'contract'))).toEqual(['_tmp']);
  });

  it('lays blobs out as plain files under the root', async () => {
    const store = await FilesystemBlobStore.open({ root: path.join(root, 'layout') });
    await store.put('blobs/sha256/ab/abcdef', Buffer.from('layer'));
    expect(
      await fs.readFile(path.join(root, 'layout', 'blobs', 'sha256', 'ab', 'abcdef'), 'utf8'),
    ).toBe('layer');
  });

  it('prunes directories a delete or move leaves empty, but not the root', async () => {
    const dir = path.join(root, 'prune');
    const store = await FilesystemBlobStore.open({ root: dir });
    await store.put('uploads/u1/data', Buffer.from('x'));
    await store.move('uploads/u1/data', 'blobs/x');
    await expect(fs.stat(path.join(dir, 'uploads'))).rejects.toMatchObject({ code: 'ENOENT' });
    await store.delete('blobs/x');
    expect((await fs.readdir(dir)).sort()).toEqual(['_tmp']);
  });

  it('rejects a key that would need an existing blob to be a directory', async () => {
    const store = await FilesystemBlobStore.open({ root: path.join(root, 'collide') });
    await store.put('a/b', Buffer.from('file'));
    await expect(store.put('a/b/c', Buffer.from('x'))).rejects.toBeInstanceOf(InvalidBlobKeyError);
    await expect(store.put('a', Buffer.from('x'))).rejects.toBeInstanceOf(InvalidBlobKeyError);
    expect(await fs.readdir(path.join(root, 'collide', '_tmp'))).toEqual([]);
  });

  it('clears staged files left by a crash once they are stale, and keeps fresh ones', async () => {
    const dir = path.join(root, 'sweep');
    await fs.mkdir(path.join(dir, '_tmp'), { recursive: true });
    const stale = path.join(dir, '_tmp', 'stale');
    const fresh = path.join(dir, '_tmp', 'fresh');
    await fs.writeFile(stale, 'old');
    await fs.writeFile(fresh, 'new');
    const longAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    await fs.utimes(stale, longAgo, longAgo);
    await FilesystemBlobStore.open({ root: dir });
    expect(await fs.readdir(path.join(dir, '_tmp'))).toEqual(['fresh']);
  });

  it('fails its health check when the root is gone and replaced by a file', async () => {
    const dir = path.join(root, 'unhealthy');
    const store = await FilesystemBlobStore.open({ root: dir });
    await fs.rm(dir, { recursive: true });
    await fs.writeFile(dir, 'not a directory');
    await expect(store.healthCheck()).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});
