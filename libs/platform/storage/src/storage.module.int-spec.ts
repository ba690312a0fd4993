import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigModule, loadConfig } from '@berth/platform/config';
import { BLOB_STORE, type BlobStore } from './blob-store.port';
import { StorageUnavailableError } from './blob-store.errors';
import { createBlobStore } from './blob-store.factory';
import { StorageModule } from './storage.module';

let dataDir: string;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-storage-module-'));
});

afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('StorageModule', () => {
  it('provides the filesystem BlobStore under <dataDir>/blobs by default', async () => {
    const config = loadConfig({ BERTH_DATA_DIR: dataDir });

    @Module({ imports: [ConfigModule.forRoot(config), StorageModule] })
    class AppModule {}

    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    try {
      const store = app.get<BlobStore>(BLOB_STORE);
      expect(store.driverName).toBe('filesystem');
      await store.put('blobs/x', Buffer.from('hello'));
      expect(await fs.readFile(path.join(dataDir, 'blobs', 'blobs', 'x'), 'utf8')).toBe('hello');
    } finally {
      await app.close();
    }
  });
});

describe('createBlobStore', () => {
  it('fails at startup when the filesystem root cannot be used', async () => {
    const file = path.join(dataDir, 'a-file');
    await fs.writeFile(file, 'x');
    await expect(
      createBlobStore({ kind: 'filesystem', root: path.join(file, 'blobs') }),
    ).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});
