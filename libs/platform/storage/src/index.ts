export * from './blob-store.port';
export * from './blob-store.errors';
export * from './blob-key';
export * from './byte-range';
export * from './blob-store.factory';
export * from './storage.module';
export { FilesystemBlobStore, type FilesystemBlobStoreOptions } from './drivers/filesystem.driver';
export { S3BlobStore, type S3BlobStoreOptions, type S3StorageSettings } from './drivers/s3.driver';
