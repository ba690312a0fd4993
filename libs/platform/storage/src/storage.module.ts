import { Global, Module } from '@nestjs/common';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { BLOB_STORE } from './blob-store.port';
import { createBlobStore } from './blob-store.factory';

/** Provides BLOB_STORE, the driver chosen by `config.storage`, to every module of the process. */
@Global()
@Module({
  providers: [
    {
      provide: BLOB_STORE,
      inject: [BERTH_CONFIG],
      useFactory: (config: BerthConfig) => createBlobStore(config.storage),
    },
  ],
  exports: [BLOB_STORE],
})
export class StorageModule {}
