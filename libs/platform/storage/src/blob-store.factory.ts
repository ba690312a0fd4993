import type { StorageSettings } from '@berth/platform/config';
import type { BlobStore } from './blob-store.port';
import { FilesystemBlobStore } from './drivers/filesystem.driver';
import { S3BlobStore } from './drivers/s3.driver';

/** Opens the driver the settings name and checks it can be used before the process serves. */
export async function createBlobStore(settings: StorageSettings): Promise<BlobStore> {
  switch (settings.kind) {
    case 'filesystem': {
      const store = await FilesystemBlobStore.open({ root: settings.root });
      await store.healthCheck();
      return store;
    }
    case 's3':
      return S3BlobStore.connect(settings);
  }
}
