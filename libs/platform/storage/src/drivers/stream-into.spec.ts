import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { streamInto } from './stream-into';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('streamInto', () => {
  it('with coalesce, copies small chunks into reused slabs and passes big ones through', async () => {
    const small = Array.from({ length: 40 }, (_, i) => Buffer.alloc(64 * 1024, i));
    const big = Buffer.alloc(3 * 1024 * 1024, 0xee);
    const input = [...small.slice(0, 20), big, ...small.slice(20)];
    const staged: Buffer[] = [];
    const backing = new Set<ArrayBufferLike>();
    const runUpload = (): Promise<number> =>
      streamInto(Readable.from(input), {
        stage: async (chunks) => {
          await tick();
          for (const c of chunks) {
            staged.push(Buffer.from(c));
            if (c !== big) backing.add(c.buffer);
          }
        },
        maxQueuedBytes: 1024 * 1024,
        coalesce: true,
      });
    const total = input.reduce((n, c) => n + c.length, 0);
    expect(await runUpload()).toBe(total);
    expect(Buffer.concat(staged).equals(Buffer.concat(input))).toBe(true);
    // Nothing staged points into the chunks the source handed over, except the big one.
    for (const c of small) expect(backing.has(c.buffer)).toBe(false);
    const slabsFirst = new Set(backing);
    staged.length = 0;
    backing.clear();
    expect(await runUpload()).toBe(total);
    expect(Buffer.concat(staged).equals(Buffer.concat(input))).toBe(true);
    // The second upload reuses the slabs the first one gave back.
    expect([...backing].some((b) => slabsFirst.has(b))).toBe(true);
  });

  it('stages every chunk in order, batching those that arrive while a write runs', async () => {
    const batches: string[][] = [];
    const seen: string[] = [];
    const source = Readable.from(['a', 'b', 'c', 'd', 'e'].map((s) => Buffer.from(s)));
    const bytes = await streamInto(source, {
      stage: async (chunks) => {
        await tick();
        batches.push(chunks.map((c) => c.toString()));
      },
      observe: (chunk) => void seen.push(chunk.toString()),
      maxQueuedBytes: 1024,
    });
    expect(bytes).toBe(5);
    expect(seen.join('')).toBe('abcde');
    expect(batches.flat().join('')).toBe('abcde');
    expect(batches.length).toBeLessThan(5);
  });

  it('pauses the source while the queue is full and resumes it once a batch is taken', async () => {
    const source = new PassThrough();
    let release: () => void = () => undefined;
    const done = streamInto(source, {
      stage: () => new Promise<void>((resolve) => (release = resolve)),
      maxQueuedBytes: 4,
    });
    source.write(Buffer.from('1'));
    await tick();
    source.write(Buffer.from('2345'));
    await tick();
    expect(source.isPaused()).toBe(true);
    release();
    await tick();
    expect(source.isPaused()).toBe(false);
    source.end();
    await tick();
    release();
    expect(await done).toBe(5);
  });

  it('rejects after a running write settles when the source fails or ends early', async () => {
    const source = new PassThrough();
    let settled = false;
    const done = streamInto(source, {
      stage: async () => {
        await tick();
        settled = true;
      },
      maxQueuedBytes: 1024,
    });
    source.write(Buffer.from('x'));
    source.destroy(new Error('boom'));
    await expect(done).rejects.toThrow('boom');
    expect(settled).toBe(true);
  });

  it('fails with the observer error and with a stage error, destroying the source', async () => {
    const a = new PassThrough();
    const first = streamInto(a, {
      stage: async () => undefined,
      observe: () => {
        throw new Error('observer');
      },
      maxQueuedBytes: 1024,
    });
    a.write(Buffer.from('x'));
    await expect(first).rejects.toThrow('observer');
    expect(a.destroyed).toBe(true);

    const b = Readable.from([Buffer.from('y')]);
    await expect(
      streamInto(b, {
        stage: async () => {
          throw new Error('disk full');
        },
        maxQueuedBytes: 1024,
      }),
    ).rejects.toThrow('disk full');
    expect(b.destroyed).toBe(true);
  });

  it('stops on abort', async () => {
    const source = new PassThrough();
    const controller = new AbortController();
    const done = streamInto(source, {
      stage: async () => undefined,
      maxQueuedBytes: 1024,
      signal: controller.signal,
    });
    controller.abort();
    await expect(done).rejects.toMatchObject({ name: 'AbortError' });
    expect(source.destroyed).toBe(true);
  });
});
