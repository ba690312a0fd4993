import type { Readable } from 'node:stream';
import { Client } from 'minio';
import type { StorageSettings } from '@berth/platform/config';
import type { BlobSource, BlobStat, BlobStore, BlobWriter, ByteRange } from '../blob-store.port';
import { BlobNotFoundError, StorageUnavailableError } from '../blob-store.errors';
import { assertValidBlobKey, assertValidBlobPrefix } from '../blob-key';
import { resolveByteRange } from '../byte-range';
import { putThroughWriter, StagedBlobWriter } from './staged-blob-writer';

export type S3StorageSettings = Extract<StorageSettings, { kind: 's3' }>;

export interface S3BlobStoreOptions {
  /** Namespace every key lives under, ending in '/' (e.g. one test run); default none. */
  keyPrefix?: string;
  /** Moves of blobs larger than this use multipart copy; S3's CopyObject stops at 5 GiB. */
  multipartCopyThresholdBytes?: number;
  /** Part size of a multipart copy. */
  copyPartSizeBytes?: number;
}

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const MIN_PART_BYTES = 5 * MIB;
const MAX_PART_BYTES = 5 * GIB;
const MAX_PARTS = 10_000;
const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;
const NOT_FOUND_CODES = new Set(['NoSuchKey', 'NotFound']);
const FIRST_BUFFER_BYTES = 256 * 1024;
const CONTENT_TYPE = { 'Content-Type': 'application/octet-stream' };

/**
 * Blobs as objects in one S3 bucket. A PUT or a completed multipart upload is visible only
 * whole, so writers stream into a multipart upload holding at most one part in memory.
 */
export class S3BlobStore implements BlobStore {
  readonly driverName = 's3' as const;
  private readonly client: Client;
  private readonly bucket: string;
  private readonly keyPrefix: string;
  private readonly partSize: number;
  private readonly copyThreshold: number;
  private readonly copyPartSize: number;

  private constructor(
    private readonly settings: S3StorageSettings,
    options: S3BlobStoreOptions,
  ) {
    const url = new URL(settings.endpoint);
    if (url.pathname !== '/' && url.pathname !== '') {
      throw new StorageUnavailableError(`S3 endpoint ${settings.endpoint} must not have a path`);
    }
    if (settings.partSizeBytes < MIN_PART_BYTES || settings.partSizeBytes > MAX_PART_BYTES) {
      throw new StorageUnavailableError(
        `S3 part size must be 5 MiB to 5 GiB, got ${settings.partSizeBytes}`,
      );
    }
    const useSSL = url.protocol === 'https:';
    this.client = new Client({
      endPoint: url.hostname,
      port: url.port ? Number(url.port) : useSSL ? 443 : 80,
      useSSL,
      accessKey: settings.accessKey,
      secretKey: settings.secretKey,
      region: settings.region,
      pathStyle: true,
      partSize: settings.partSizeBytes,
    });
    this.bucket = settings.bucket;
    this.partSize = settings.partSizeBytes;
    this.keyPrefix = options.keyPrefix ?? '';
    if (this.keyPrefix !== '') {
      assertValidBlobPrefix(this.keyPrefix);
      if (!this.keyPrefix.endsWith('/'))
        throw new StorageUnavailableError('S3 key prefix must end with /');
    }
    this.copyThreshold = options.multipartCopyThresholdBytes ?? MAX_PART_BYTES;
    this.copyPartSize = Math.min(options.copyPartSizeBytes ?? GIB, MAX_PART_BYTES);
  }

  /** Connects and creates the bucket when it does not exist yet. */
  static async connect(
    settings: S3StorageSettings,
    options: S3BlobStoreOptions = {},
  ): Promise<S3BlobStore> {
    const store = new S3BlobStore(settings, options);
    await store.ensureBucket();
    return store;
  }

  async ensureBucket(): Promise<void> {
    try {
      if (await this.client.bucketExists(this.bucket)) return;
      await this.client.makeBucket(this.bucket, this.settings.region);
    } catch (e) {
      // Another replica may create it between our check and our create.
      if (['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(s3Code(e) ?? '')) return;
      throw new StorageUnavailableError(
        `S3 bucket ${this.bucket} at ${this.settings.endpoint} is unusable: ${String(e)}`,
        { cause: e },
      );
    }
  }

  async stat(key: string): Promise<BlobStat> {
    assertValidBlobKey(key);
    const st = await this.client
      .statObject(this.bucket, this.objectName(key))
      .catch((e: unknown) => rethrowMissing(e, key));
    return { key, size: st.size, modifiedAt: st.lastModified };
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    assertValidBlobKey(key);
    const name = this.objectName(key);
    if (!range) {
      return this.client.getObject(this.bucket, name).catch((e: unknown) => rethrowMissing(e, key));
    }
    // The size is needed to clamp the range and to reject it the same way on every S3 server.
    const { size } = await this.stat(key);
    const { start, length } = resolveByteRange(key, range, size);
    return this.client
      .getPartialObject(this.bucket, name, start, length)
      .catch((e: unknown) => rethrowMissing(e, key));
  }

  put(key: string, source: BlobSource): Promise<BlobStat> {
    return this.createWriter(key).then((writer) => putThroughWriter(writer, source));
  }

  async createWriter(key: string): Promise<BlobWriter> {
    assertValidBlobKey(key);
    return new S3BlobWriter(key, this.client, this.bucket, this.objectName(key), this.partSize);
  }

  async move(from: string, to: string): Promise<void> {
    assertValidBlobKey(from);
    assertValidBlobKey(to);
    const { size } = await this.stat(from);
    if (from === to) return;
    const source = this.objectName(from);
    const target = this.objectName(to);
    try {
      if (size > this.copyThreshold) {
        await this.multipartCopy(source, target, size);
      } else {
        await this.client.copyObject(this.bucket, target, `/${this.bucket}/${source}`);
      }
    } catch (e) {
      rethrowMissing(e, from);
    }
    await this.client.removeObject(this.bucket, source);
  }

  async delete(key: string): Promise<void> {
    assertValidBlobKey(key);
    try {
      await this.client.removeObject(this.bucket, this.objectName(key));
    } catch (e) {
      if (!NOT_FOUND_CODES.has(s3Code(e) ?? '')) throw e;
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertValidBlobPrefix(prefix);
    const items = this.client.listObjectsV2(this.bucket, this.keyPrefix + prefix, true);
    for await (const item of items as AsyncIterable<{ name?: string }>) {
      if (item.name !== undefined) yield item.name.slice(this.keyPrefix.length);
    }
  }

  async presignedGetUrl(key: string, ttlSeconds: number): Promise<string | undefined> {
    assertValidBlobKey(key);
    if (!this.settings.presignedRedirect) return undefined;
    const ttl = Math.min(Math.max(Math.floor(ttlSeconds), 1), MAX_PRESIGN_SECONDS);
    return this.client.presignedGetObject(this.bucket, this.objectName(key), ttl);
  }

  async healthCheck(): Promise<void> {
    let found: boolean;
    try {
      found = await this.client.bucketExists(this.bucket);
    } catch (e) {
      throw new StorageUnavailableError(
        `S3 at ${this.settings.endpoint} is unreachable: ${String(e)}`,
        { cause: e },
      );
    }
    if (!found) throw new StorageUnavailableError(`S3 bucket ${this.bucket} does not exist`);
  }

  private objectName(key: string): string {
    return this.keyPrefix + key;
  }

  /** Server-side copy in ranges, for sources too large for one CopyObject. */
  private async multipartCopy(source: string, target: string, size: number): Promise<void> {
    const uploadID = await this.client.initiateNewMultipartUpload(this.bucket, target, {
      ...CONTENT_TYPE,
    });
    try {
      const parts: Array<{ part: number; etag: string }> = [];
      const copySource = `/${this.bucket}/${source.split('/').map(encodeURIComponent).join('/')}`;
      for (let start = 0, part = 1; start < size; start += this.copyPartSize, part++) {
        const end = Math.min(size, start + this.copyPartSize) - 1;
        const headers = {
          'x-amz-copy-source': copySource,
          'x-amz-copy-source-range': `bytes=${start}-${end}`,
        };
        const { etag } = await this.client.uploadPart({
          bucketName: this.bucket,
          objectName: target,
          uploadID,
          partNumber: part,
          headers,
        });
        parts.push({ part, etag });
      }
      await this.client.completeMultipartUpload(this.bucket, target, uploadID, parts);
    } catch (e) {
      await this.client.abortMultipartUpload(this.bucket, target, uploadID).catch(() => undefined);
      throw e;
    }
  }
}

/**
 * Stages bytes in one reusable part buffer. Objects smaller than a part go up in one PUT; larger
 * ones become a multipart upload, completed on commit and aborted on failure.
 */
class S3BlobWriter extends StagedBlobWriter {
  private buffer: Buffer = Buffer.alloc(0);
  private filled = 0;
  private uploadId?: string;
  private readonly parts: Array<{ part: number; etag: string }> = [];

  constructor(
    key: string,
    private readonly client: Client,
    private readonly bucket: string,
    private readonly objectName: string,
    private readonly partSize: number,
  ) {
    super(key);
  }

  protected async stage(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      // A full part is sent only when more bytes arrive, so an object of exactly one part is a plain PUT.
      if (this.filled === this.partSize) await this.uploadPart();
      this.reserve(Math.min(this.partSize, this.filled + chunk.length - offset));
      const copied = chunk.copy(
        this.buffer,
        this.filled,
        offset,
        offset + Math.min(chunk.length - offset, this.partSize - this.filled),
      );
      this.filled += copied;
      offset += copied;
    }
  }

  protected async publish(size: number): Promise<BlobStat> {
    if (this.uploadId === undefined) {
      await this.client.putObject(
        this.bucket,
        this.objectName,
        this.buffer.subarray(0, this.filled),
        this.filled,
        {
          ...CONTENT_TYPE,
        },
      );
    } else {
      if (this.filled > 0) await this.uploadPart();
      await this.client.completeMultipartUpload(
        this.bucket,
        this.objectName,
        this.uploadId,
        this.parts,
      );
      this.uploadId = undefined;
    }
    this.release();
    // S3 returns no timestamp on PUT or complete; the commit time is close enough and saves a HEAD.
    return { key: this.key, size, modifiedAt: new Date() };
  }

  protected async discard(): Promise<void> {
    this.release();
    const uploadId = this.uploadId;
    this.uploadId = undefined;
    if (uploadId !== undefined)
      await this.client.abortMultipartUpload(this.bucket, this.objectName, uploadId);
  }

  private async uploadPart(): Promise<void> {
    const partNumber = this.parts.length + 1;
    if (partNumber > MAX_PARTS) {
      throw new Error(
        `blob ${this.key} exceeds ${MAX_PARTS} parts of ${this.partSize} bytes; raise S3_PART_SIZE_MB`,
      );
    }
    this.uploadId ??= await this.client.initiateNewMultipartUpload(this.bucket, this.objectName, {
      ...CONTENT_TYPE,
    });
    const { etag } = await this.client.uploadPart(
      {
        bucketName: this.bucket,
        objectName: this.objectName,
        uploadID: this.uploadId,
        partNumber,
        headers: {},
      },
      this.buffer.subarray(0, this.filled),
    );
    this.parts.push({ part: partNumber, etag });
    this.filled = 0;
  }

  /** Grows the buffer geometrically up to one part, so small blobs never hold a whole part. */
  private reserve(bytes: number): void {
    if (bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(
      Math.min(this.partSize, Math.max(bytes, this.buffer.length * 2, FIRST_BUFFER_BYTES)),
    );
    this.buffer.copy(grown, 0, 0, this.filled);
    this.buffer = grown;
  }

  private release(): void {
    this.buffer = Buffer.alloc(0);
    this.filled = 0;
  }
}

function s3Code(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string'
    ? e.code
    : undefined;
}

function rethrowMissing(e: unknown, key: string): never {
  if (NOT_FOUND_CODES.has(s3Code(e) ?? '')) throw new BlobNotFoundError(key);
  throw e;
}
