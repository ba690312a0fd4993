import { describe, expect, it } from 'vitest';
import { readTar, TarFormatError, type TarEntry } from './tar-reader';
import {
  buildTar,
  paxRecord,
  TAR_END,
  tarHeader,
  tarPadding,
  tarRecord,
} from './testing/tar-builder';

/** Feeds `data` in pieces of `size` bytes, so headers and bodies straddle chunks. */
async function* chunked(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

interface Read {
  name: string;
  type: TarEntry['type'];
  size: number;
  mode: number;
  linkName: string;
  body?: string;
}

async function readAll(source: AsyncIterable<Uint8Array>, readBodies = true): Promise<Read[]> {
  const out: Read[] = [];
  for await (const entry of readTar(source)) {
    const { name, type, size, mode, linkName } = entry;
    const read: Read = { name, type, size, mode, linkName };
    if (readBodies) {
      const parts: Buffer[] = [];
      for await (const chunk of entry.body()) parts.push(chunk);
      read.body = Buffer.concat(parts).toString();
    }
    out.push(read);
  }
  return out;
}

const SAMPLE = buildTar([
  { type: 'dir', path: 'etc' },
  { type: 'file', path: 'etc/os-release', content: 'ID=debian\n', mode: 0o644 },
  { type: 'symlink', path: 'etc/localtime', target: '/usr/share/zoneinfo/UTC' },
  { type: 'hardlink', path: 'usr/bin/view', target: 'usr/bin/vim' },
  { type: 'file', path: 'big', content: 'x'.repeat(1500), mode: 0o755 },
]);

describe('readTar', () => {
  it('yields entries in order with their types, modes, links and bodies', async () => {
    const expected = [
      { name: 'etc/', type: 'directory', size: 0, mode: 0o755, linkName: '', body: '' },
      {
        name: 'etc/os-release',
        type: 'file',
        size: 10,
        mode: 0o644,
        linkName: '',
        body: 'ID=debian\n',
      },
      {
        name: 'etc/localtime',
        type: 'symlink',
        size: 0,
        mode: 0o777,
        linkName: '/usr/share/zoneinfo/UTC',
        body: '',
      },
      {
        name: 'usr/bin/view',
        type: 'hardlink',
        size: 0,
        mode: 0o644,
        linkName: 'usr/bin/vim',
        body: '',
      },
      { name: 'big', type: 'file', size: 1500, mode: 0o755, linkName: '', body: 'x'.repeat(1500) },
    ];
    expect(await readAll(chunked(SAMPLE, SAMPLE.length))).toEqual(expected);
    // The same archive cut into odd pieces reads the same.
    expect(await readAll(chunked(SAMPLE, 7))).toEqual(expected);
    expect(await readAll(chunked(SAMPLE, 511))).toEqual(expected);
  });

  it('skips bodies nobody reads, including half-read ones', async () => {
    const names: string[] = [];
    for await (const entry of readTar(chunked(SAMPLE, 100))) {
      names.push(entry.name);
      if (entry.name === 'big') {
        const it = entry.body()[Symbol.asyncIterator]();
        expect((await it.next()).value?.toString()).toMatch(/^x+$/);
      }
    }
    expect(names).toEqual(['etc/', 'etc/os-release', 'etc/localtime', 'usr/bin/view', 'big']);
  });

  it('hands out body chunks as views of the source chunks, not copies', async () => {
    const source = Buffer.concat([
      tarRecord({ name: 'f', type: '0' }, Buffer.alloc(4096, 1)),
      TAR_END,
    ]);
    for await (const entry of readTar(chunked(source, source.length))) {
      for await (const chunk of entry.body()) expect(chunk.buffer).toBe(source.buffer);
    }
  });

  it('pulls the source only as far as the consumer has read', async () => {
    let pulled = 0;
    async function* counting(): AsyncGenerator<Buffer> {
      for (let i = 0; i < SAMPLE.length; i += 512) {
        pulled++;
        yield SAMPLE.subarray(i, i + 512);
      }
    }
    const entries = readTar(counting());
    const first = await entries.next();
    expect(first.value?.name).toBe('etc/');
    expect(pulled).toBe(1);
    await entries.return(undefined);
  });

  it('reads PAX long names and link targets, GNU long names and links, and PAX global headers', async () => {
    const long = `usr/lib/${'d'.repeat(120)}/${'f'.repeat(80)}.so`;
    const target = `usr/lib/${'t'.repeat(150)}`;
    const entries = [
      { type: 'file' as const, path: long, content: 'a' },
      { type: 'symlink' as const, path: 'link', target },
    ];
    for (const longNames of ['pax', 'gnu'] as const) {
      const read = await readAll(chunked(buildTar(entries, { longNames }), 300));
      expect(read.map((e) => [e.name, e.linkName, e.body])).toEqual([
        [long, '', 'a'],
        ['link', target, ''],
      ]);
    }
    const withGlobal = Buffer.concat([
      paxRecord({ comment: 'built by a test', linkpath: 'global-target' }, 'g'),
      tarHeader({ name: 'l1', type: '2' }),
      paxRecord({ linkpath: 'local-target' }),
      tarHeader({ name: 'l2', type: '2' }),
      TAR_END,
    ]);
    expect((await readAll(chunked(withGlobal, 512))).map((e) => e.linkName)).toEqual([
      'global-target',
      'local-target',
    ]);
  });

  it('takes the size from a PAX record and from a base-256 size field', async () => {
    const body = Buffer.from('0123456789');
    const pax = Buffer.concat([
      paxRecord({ size: '10' }),
      tarHeader({ name: 'p', type: '0', size: 0 }),
      body,
      tarPadding(10),
      tarHeader({ name: 'b', type: '0', size: 10, base256Size: true }),
      body,
      tarPadding(10),
      TAR_END,
    ]);
    expect((await readAll(chunked(pax, 64))).map((e) => [e.name, e.size, e.body])).toEqual([
      ['p', 10, '0123456789'],
      ['b', 10, '0123456789'],
    ]);
  });

  it('skips entry types it does not know with their bodies, reports devices as other and reads pre-POSIX directories', async () => {
    const data = Buffer.concat([
      tarRecord({ name: 'label', type: 'V' }, Buffer.alloc(700, 7)),
      tarHeader({ name: 'dev/null', type: '3' }),
      tarHeader({ name: 'fifo', type: '6' }),
      tarRecord({ name: 'olddir/', type: '0' }, Buffer.alloc(600, 1)),
      tarRecord({ name: 'after', type: '0' }, Buffer.from('ok')),
      TAR_END,
    ]);
    expect((await readAll(chunked(data, 1000))).map((e) => [e.name, e.type, e.body])).toEqual([
      ['dev/null', 'other', ''],
      ['fifo', 'other', ''],
      ['olddir/', 'directory', ''],
      ['after', 'file', 'ok'],
    ]);
  });

  it('ends at two zero blocks without reading further, and reads an empty stream as no entries', async () => {
    const trailing = Buffer.concat([SAMPLE, Buffer.from('garbage after the end')]);
    expect(await readAll(chunked(trailing, 4096))).toHaveLength(5);
    expect(await readAll(chunked(Buffer.alloc(0), 1))).toEqual([]);
  });

  it('fails on a bad header checksum, naming where', async () => {
    const bad = Buffer.concat([
      tarRecord({ name: 'ok', type: '0' }, Buffer.from('x')),
      tarHeader({ name: 'bad', type: '0', checksumDelta: 1 }),
      TAR_END,
    ]);
    await expect(readAll(chunked(bad, 512))).rejects.toThrow(
      new TarFormatError(
        'tar header checksum mismatch at byte 1024: the header says ' +
          `${checksumOf(bad.subarray(1024, 1536)) + 1}, its bytes sum to ${checksumOf(bad.subarray(1024, 1536))}`,
      ),
    );
  });

  it('fails on an archive cut in a body, in a header, or before its end marker', async () => {
    const full = buildTar([{ type: 'file', path: 'f', content: 'y'.repeat(2000) }]);
    await expect(readAll(chunked(full.subarray(0, 1200), 100))).rejects.toThrow(
      /truncated: it ends inside the body of f at byte 1200/,
    );
    await expect(readAll(chunked(full.subarray(0, 1200), 100), false)).rejects.toThrow(
      /truncated: it ends inside the body of f/,
    );
    await expect(readAll(chunked(full.subarray(0, 300), 100))).rejects.toThrow(
      /truncated: it ends inside a header at byte 300/,
    );
    await expect(readAll(chunked(full.subarray(0, 2560), 512))).rejects.toThrow(
      /truncated: it ends at byte 2560 without the end-of-archive marker/,
    );
  });

  it('refuses an extended header too large to hold in memory', async () => {
    const data = Buffer.concat([
      tarHeader({ name: 'huge', type: 'x', size: 64 * 1024 * 1024 }),
      TAR_END,
    ]);
    await expect(readAll(chunked(data, 512))).rejects.toThrow(
      /extended header at byte 0 is 67108864 bytes/,
    );
  });
});

function checksumOf(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return sum;
}
