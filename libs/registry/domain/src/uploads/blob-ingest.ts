import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { OciError, type ParsedDigest } from '@berth/oci';
import { BLOB_STORE, BlobNotFoundError, type BlobStore } from '@berth/platform/storage';
import type { UploadSessionEntity } from '../entities/upload-session.entity';
import { RegistryHttpError } from '../registry.error';
import { BlobRepository } from '../repositories/blob.repository';
import { UploadSessionRepository } from '../repositories/upload-session.repository';
import { blobKeyOf, chunkKeyOf, chunkKeysOf, stagedUploadKeyOf, uploadPrefixOf } from './blob-keys';
import { ChunkDigest, digesting, newHash } from './digesting.stream';
import { UploadHashCache } from './upload-hash.cache';

/** A chunk's claimed position (`Content-Range: <start>-<end>`), both ends inclusive. */
export interface ChunkRange {
  start: number;
  end: number;
}

/** The `Range` header value for an upload holding `offset` bytes. */
export function uploadRange(offset: number): string {
  return `0-${Math.max(offset - 1, 0)}`;
}

const digestOf = (hash: Hash, algorithm: string): string => `${algorithm}:${hash.digest('hex')}`;

/** Chunk keys of sessions staged in one file carry this token; no such object is ever written. */
const STAGED_TOKEN = 'staged';

/**
 * The byte-moving part of uploads: verified whole-blob writes, chunk appends and assembly.
 * Nothing becomes visible under a blob key before its digest and size have been checked.
 */
@Injectable()
export class BlobIngest {
  constructor(
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly blobs: BlobRepository,
    private readonly sessions: UploadSessionRepository,
    private readonly hashes: UploadHashCache,
  ) {}

  /**
   * Streams a whole blob straight to its final key, committing only if digest and length match.
   * When the digest is already stored the body is only hashed (content-addressed: no rewrite).
   */
  async writeVerified(
    repositoryId: number,
    digest: ParsedDigest,
    body: Readable | undefined,
    expectedLength: number | undefined,
  ): Promise<number> {
    const full = `${digest.algorithm}:${digest.encoded}`;
    const existing = await this.blobs.findBlob(full);
    // Hashed as the chunks are taken from the socket, with no stream in between.
    const hasher = new ChunkDigest(newHash(digest.algorithm));
    const writer = existing ? undefined : await this.store.createWriter(blobKeyOf(digest));
    try {
      if (writer) {
        if (body) await writer.append(body, hasher.observe);
      } else if (body) {
        for await (const chunk of body) hasher.observe(chunk as Buffer);
      }
      verify(hasher, full, digest.algorithm, expectedLength);
      await writer?.commit();
    } catch (e) {
      await writer?.abort();
      throw asUploadError(e);
    }
    await this.blobs.record(repositoryId, full, hasher.bytes);
    return hasher.bytes;
  }

  /**
   * Appends one chunk and advances the session; returns the new offset. Where the driver can grow
   * a file (filesystem) the session's chunks go into one staged file, so completing the upload is
   * a rename; elsewhere (S3) each chunk is its own object, assembled at the end.
   */
  async appendChunk(
    session: UploadSessionEntity,
    body: Readable,
    range: ChunkRange | undefined,
  ): Promise<number> {
    if (range && range.start !== session.offset) throw outOfOrder(session);
    const hash =
      session.offset === 0 ? newHash('sha256') : this.hashes.take(session.id, session.offset);
    if (this.store.writeAt) return this.appendStaged(session, body, range, hash);
    const token = randomBytes(8).toString('hex');
    const key = chunkKeyOf(session.id, session.chunkCount, token);
    const hasher = digesting(body, hash);
    try {
      await this.store.put(key, hasher);
    } catch (e) {
      this.hashes.forget(session.id);
      await this.store.delete(key).catch(() => undefined);
      throw asUploadError(e);
    }
    const bytes = hasher.bytes;
    const problem =
      range && bytes !== range.end - range.start + 1
        ? new OciError('BLOB_UPLOAD_INVALID', 'chunk length does not match Content-Range')
        : bytes > 0 && !(await this.sessions.advance(session, bytes, token))
          ? outOfOrder(session)
          : undefined;
    if (problem || bytes === 0) {
      this.hashes.forget(session.id);
      await this.store.delete(key).catch(() => undefined);
      if (problem) throw problem;
      if (hash) this.hashes.put(session.id, session.offset, hash);
      return session.offset;
    }
    if (hash) this.hashes.put(session.id, session.offset + bytes, hash);
    return session.offset + bytes;
  }

  /**
   * Writes the chunk at the session's offset in its staged file and advances the session. The
   * file is made durable when it is moved into place (assemble); a crash before that loses the
   * cached hash too, so the chunks are hashed again from disk. Bytes a failed chunk left past
   * the offset are overwritten by the next.
   */
  private async appendStaged(
    session: UploadSessionEntity,
    body: Readable,
    range: ChunkRange | undefined,
    hash: Hash | undefined,
  ): Promise<number> {
    const writeAt = this.store.writeAt?.bind(this.store);
    if (!writeAt) throw new Error('driver cannot stage uploads in place');
    const hasher = new ChunkDigest(hash);
    try {
      await writeAt(stagedUploadKeyOf(session.id), session.offset, body, hasher.observe);
    } catch (e) {
      this.hashes.forget(session.id);
      if (e instanceof BlobNotFoundError) throw stagedDataLost(session);
      throw asUploadError(e);
    }
    const bytes = hasher.bytes;
    const problem =
      range && bytes !== range.end - range.start + 1
        ? new OciError('BLOB_UPLOAD_INVALID', 'chunk length does not match Content-Range')
        : bytes > 0 && !(await this.sessions.advance(session, bytes, STAGED_TOKEN))
          ? outOfOrder(session)
          : undefined;
    if (problem) {
      this.hashes.forget(session.id);
      throw problem;
    }
    if (hash) this.hashes.put(session.id, session.offset + bytes, hash);
    return session.offset + bytes;
  }

  /**
   * Verifies the session's chunks against `digest` and installs them as the blob: a staged file
   * or a single chunk is moved into place, several chunks are streamed in order into one writer.
   * Chunks are removed after.
   */
  async assemble(session: UploadSessionEntity, digest: ParsedDigest): Promise<number> {
    const full = `${digest.algorithm}:${digest.encoded}`;
    const finalKey = blobKeyOf(digest);
    const staged = this.store.writeAt !== undefined && session.chunkCount > 0;
    const chunkKeys = staged ? [stagedUploadKeyOf(session.id)] : chunkKeysOf(session);
    const cached =
      digest.algorithm === 'sha256' ? this.hashes.take(session.id, session.offset) : undefined;
    const existing = await this.blobs.findBlob(full);
    try {
      if (staged) await this.trimStaged(session);
      if (cached) {
        if (digestOf(cached, 'sha256') !== full) throw digestMismatch(full);
        if (!existing) await this.install(chunkKeys, finalKey);
      } else if (existing || chunkKeys.length <= 1) {
        const hasher = await this.hashChunks(chunkKeys, digest.algorithm);
        verify(hasher, full, digest.algorithm, session.offset);
        if (!existing) await this.install(chunkKeys, finalKey);
      } else {
        await this.copyVerified(chunkKeys, finalKey, full, digest.algorithm, session.offset);
      }
    } catch (e) {
      await this.discard(session);
      throw asUploadError(e);
    }
    await this.blobs.record(session.repositoryId, full, session.offset);
    await this.discard(session);
    return session.offset;
  }

  /** Removes the session and its chunk objects, including any a crashed append left; idempotent. */
  async discard(session: UploadSessionEntity): Promise<void> {
    this.hashes.forget(session.id);
    await this.sessions.delete(session.id);
    const keys = new Set(chunkKeysOf(session));
    try {
      for await (const key of this.store.list(uploadPrefixOf(session.id))) keys.add(key);
    } catch {
      // Listing is only for strays; the recorded chunks are removed regardless.
    }
    for (const key of keys) await this.store.delete(key).catch(() => undefined);
  }

  /** A staged file longer than the session (a chunk failed midway, then the client completed) is cut back. */
  private async trimStaged(session: UploadSessionEntity): Promise<void> {
    const key = stagedUploadKeyOf(session.id);
    const size = await this.store.stat(key).then(
      (st) => st.size,
      (e: unknown) => {
        if (e instanceof BlobNotFoundError) throw stagedDataLost(session);
        throw e;
      },
    );
    if (size < session.offset) throw stagedDataLost(session);
    if (size > session.offset) await this.store.writeAt?.(key, session.offset, Readable.from([]));
  }

  private async install(chunkKeys: string[], finalKey: string): Promise<void> {
    if (chunkKeys.length === 0) {
      await this.store.put(finalKey, new Uint8Array(0));
    } else if (chunkKeys.length === 1) {
      await this.store.move(chunkKeys[0], finalKey);
    } else {
      const writer = await this.store.createWriter(finalKey);
      try {
        for (const key of chunkKeys) await writer.append(await this.store.read(key));
        await writer.commit();
      } catch (e) {
        await writer.abort();
        throw e;
      }
    }
  }

  private async hashChunks(chunkKeys: string[], algorithm: string): Promise<ChunkDigest> {
    const hasher = new ChunkDigest(newHash(algorithm));
    for (const key of chunkKeys) {
      for await (const chunk of await this.store.read(key)) hasher.observe(chunk as Buffer);
    }
    return hasher;
  }

  /** Copies the chunks into the final key, hashing on the way, and commits only on a match. */
  private async copyVerified(
    chunkKeys: string[],
    finalKey: string,
    digest: string,
    algorithm: string,
    size: number,
  ): Promise<void> {
    const hash = newHash(algorithm);
    let bytes = 0;
    const writer = await this.store.createWriter(finalKey);
    try {
      for (const key of chunkKeys) {
        const hasher = digesting(await this.store.read(key), hash);
        await writer.append(hasher);
        bytes += hasher.bytes;
      }
      if (bytes !== size) throw sizeMismatch(bytes, size);
      if (digestOf(hash, algorithm) !== digest) throw digestMismatch(digest);
      await writer.commit();
    } catch (e) {
      await writer.abort();
      throw e;
    }
  }
}

function verify(
  hasher: ChunkDigest,
  digest: string,
  algorithm: string,
  expectedLength: number | undefined,
): void {
  if (expectedLength !== undefined && hasher.bytes !== expectedLength)
    throw sizeMismatch(hasher.bytes, expectedLength);
  if (!hasher.hash || digestOf(hasher.hash, algorithm) !== digest) throw digestMismatch(digest);
}

const stagedDataLost = (session: UploadSessionEntity): OciError =>
  new OciError('BLOB_UPLOAD_INVALID', 'upload data is missing; start the upload again', {
    uploadId: session.id,
  });

const digestMismatch = (digest: string): OciError =>
  new OciError('DIGEST_INVALID', 'content does not match the digest', { digest });

const sizeMismatch = (got: number, expected: number): OciError =>
  new OciError('SIZE_INVALID', `received ${got} bytes, expected ${expected}`);

function outOfOrder(session: UploadSessionEntity): RegistryHttpError {
  return new RegistryHttpError(
    'BLOB_UPLOAD_INVALID',
    `chunk must start at offset ${session.offset}`,
    416,
    { Range: uploadRange(session.offset) },
  );
}

/** A client that hangs up mid-body is a bad upload, not a server fault. */
function asUploadError(e: unknown): unknown {
  if (e instanceof OciError) return e;
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ABORT_ERR')
    return new OciError('BLOB_UPLOAD_INVALID', 'upload body ended early');
  return e;
}
