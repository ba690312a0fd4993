import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BlobStat } from '../blob-store.port';
import { BlobWriterStateError } from '../blob-store.errors';
import { putThroughWriter, StagedBlobWriter } from './staged-blob-writer';

/** Keeps staged bytes in memory and records what the life cycle asked of it. */
class MemoryWriter extends StagedBlobWriter {
  readonly staged: Buffer[] = [];
  published?: Buffer;
  discards = 0;
  failPublish = false;

  protected async stage(chunk: Buffer): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.staged.push(Buffer.from(chunk));
  }

  protected async publish(size: number): Promise<BlobStat> {
    if (this.failPublish) throw new Error('publish failed');
    this.published = Buffer.concat(this.staged);
    return { key: this.key, size, modifiedAt: new Date(0) };
  }

  protected async discard(): Promise<void> {
    this.discards++;
    this.staged.length = 0;
  }
}

function failing(afterChunks: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent++ < afterChunks) this.push(Buffer.from('chunk'));
      else this.destroy(new Error('source failed'));
    },
  });
}

describe('StagedBlobWriter', () => {
  it('appends buffers and streams in order and publishes them once on commit', async () => {
    const writer = new MemoryWriter('k');
    expect(await writer.append(Buffer.from('ab'))).toBe(2);
    expect(await writer.append(Readable.from([Buffer.from('cd'), Buffer.from('e')]))).toBe(5);
    expect(await writer.append(new Uint8Array([102]))).toBe(6);
    expect(await writer.commit()).toEqual({ key: 'k', size: 6, modifiedAt: new Date(0) });
    expect(writer.published?.toString()).toBe('abcdef');
  });

  it('refuses calls out of turn with a rejected promise, not a throw', async () => {
    const writer = new MemoryWriter('k');
    const first = writer.append(Buffer.from('a'));
    const second = writer.append(Buffer.from('b'));
    await expect(second).rejects.toBeInstanceOf(BlobWriterStateError);
    await expect(second).rejects.toMatchObject({ code: 'BLOB_WRITER_STATE', state: 'appending' });
    await first;
    await writer.commit();
    await expect(writer.append(Buffer.from('c'))).rejects.toMatchObject({ state: 'committed' });
    await expect(writer.commit()).rejects.toMatchObject({ state: 'committed' });
  });

  it('discards exactly once when an append fails, and stays closed', async () => {
    const writer = new MemoryWriter('k');
    await expect(writer.append(failing(3))).rejects.toThrow('source failed');
    await writer.abort();
    await writer.abort();
    expect(writer.discards).toBe(1);
    await expect(writer.commit()).rejects.toMatchObject({ state: 'aborted' });
  });

  it('discards when publishing fails', async () => {
    const writer = new MemoryWriter('k');
    writer.failPublish = true;
    await writer.append(Buffer.from('x'));
    await expect(writer.commit()).rejects.toThrow('publish failed');
    expect(writer.discards).toBe(1);
  });

  it('does nothing on abort after commit', async () => {
    const writer = new MemoryWriter('k');
    await writer.append(Buffer.from('x'));
    await writer.commit();
    await writer.abort();
    expect(writer.discards).toBe(0);
  });

  it('interrupts a running append on abort and destroys its source', async () => {
    const writer = new MemoryWriter('k');
    const source = new Readable({ read() {} });
    source.push(Buffer.from('first'));
    const appending = writer.append(source);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await writer.abort();
    await expect(appending).rejects.toMatchObject({ name: 'AbortError' });
    expect(source.destroyed).toBe(true);
    expect(writer.discards).toBe(1);
  });

  it('putThroughWriter aborts the writer when the source fails', async () => {
    const writer = new MemoryWriter('k');
    await expect(putThroughWriter(writer, failing(1))).rejects.toThrow('source failed');
    expect(writer.discards).toBe(1);
    expect(writer.published).toBeUndefined();
  });
});
