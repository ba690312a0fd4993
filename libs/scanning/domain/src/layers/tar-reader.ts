/** What a tar entry is; `other` covers devices and FIFOs (no content, but they occupy a path). */
export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'directory' | 'other';

/** One entry of a tar archive, its header decoded (long names and PAX attributes applied). */
export interface TarEntry {
  /** The name as the archive spells it; not normalized. */
  name: string;
  type: TarEntryType;
  /** Bytes of content; 0 for every type but `file`. */
  size: number;
  /** Unix permission bits (`0o755`). */
  mode: number;
  /** Target of a hard or symbolic link; empty for other types. */
  linkName: string;
  /**
   * The content in order, as views of the source's chunks (nothing is copied). Read it before
   * asking for the next entry; what is left unread is skipped.
   */
  body(): AsyncIterable<Buffer>;
}

/** The archive is not a well-formed tar stream (bad checksum, truncated, malformed field). */
export class TarFormatError extends Error {
  override readonly name = 'TarFormatError';
}

const BLOCK = 512;
/** Long names and PAX records are held in memory; real ones are a few KiB at most. */
const MAX_EXTENDED_HEADER = 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/** Pulls exact byte counts from an async chunk source, handing out views rather than copies. */
class ByteSource {
  private chunk: Buffer = EMPTY;
  private pos = 0;
  /** Bytes consumed so far, for error messages. */
  offset = 0;

  constructor(private readonly it: AsyncIterator<Uint8Array>) {}

  /** Makes bytes available; false at the end of the source. */
  private async fill(): Promise<boolean> {
    while (this.pos >= this.chunk.length) {
      const r = await this.it.next();
      if (r.done) return false;
      const v = r.value;
      this.chunk = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      this.pos = 0;
    }
    return true;
  }

  /** Exactly `n` bytes; undefined if the source ends before the first one, an error if midway. */
  async read(n: number, what: string): Promise<Buffer | undefined> {
    if (!(await this.fill())) return undefined;
    if (this.chunk.length - this.pos >= n) {
      const out = this.chunk.subarray(this.pos, this.pos + n);
      this.pos += n;
      this.offset += n;
      return out;
    }
    // Rare: the bytes straddle chunks, so they are gathered into one buffer.
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      if (!(await this.fill())) throw truncated(what, this.offset);
      const take = Math.min(n - filled, this.chunk.length - this.pos);
      this.chunk.copy(out, filled, this.pos, this.pos + take);
      this.pos += take;
      filled += take;
      this.offset += take;
    }
    return out;
  }

  /** Up to `n` bytes from the current chunk (at least one); an error at the end of the source. */
  async next(n: number, what: string): Promise<Buffer> {
    if (!(await this.fill())) throw truncated(what, this.offset);
    const take = Math.min(n, this.chunk.length - this.pos);
    const out = this.chunk.subarray(this.pos, this.pos + take);
    this.pos += take;
    this.offset += take;
    return out;
  }

  async skip(n: number, what: string): Promise<void> {
    while (n > 0) {
      if (!(await this.fill())) throw truncated(what, this.offset);
      const take = Math.min(n, this.chunk.length - this.pos);
      this.pos += take;
      this.offset += take;
      n -= take;
    }
  }
}

function truncated(what: string, offset: number): TarFormatError {
  return new TarFormatError(`tar archive is truncated: it ends inside ${what} at byte ${offset}`);
}

/** The bytes of `buf[start, start+len)` up to the first NUL, as UTF-8. */
function cString(buf: Buffer, start: number, len: number): string {
  let end = start;
  const limit = start + len;
  while (end < limit && buf[end] !== 0) end++;
  return buf.toString('utf8', start, end);
}

/** A numeric header field: octal digits (space/NUL padded) or GNU base-256. */
function numberField(buf: Buffer, start: number, len: number, field: string, at: number): number {
  const first = buf[start];
  if (first & 0x80) {
    if (first === 0xff) throw new TarFormatError(`negative ${field} in the header at byte ${at}`);
    let value = first & 0x7f;
    for (let i = start + 1; i < start + len; i++) {
      value = value * 256 + buf[i];
      if (value > Number.MAX_SAFE_INTEGER) {
        throw new TarFormatError(`${field} too large in the header at byte ${at}`);
      }
    }
    return value;
  }
  let value = 0;
  let i = start;
  const end = start + len;
  while (i < end && buf[i] === 0x20) i++;
  for (; i < end; i++) {
    const c = buf[i];
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) {
      throw new TarFormatError(`invalid octal ${field} in the header at byte ${at}`);
    }
    value = value * 8 + (c - 0x30);
  }
  return value;
}

/** Checks the header checksum; true for an all-zero block (an end-of-archive marker). */
function verifyHeader(buf: Buffer, at: number): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : buf[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  let stored = 0;
  for (let i = 148; i < 156; i++) stored += buf[i];
  if (stored === 0) {
    let all = 0;
    for (let i = 0; i < BLOCK; i++) all |= buf[i];
    if (all === 0) return true;
  }
  const expected = numberField(buf, 148, 8, 'checksum', at);
  // Some old writers summed signed bytes; both are accepted, as other readers do.
  if (expected !== unsigned && expected !== signed) {
    throw new TarFormatError(
      `tar header checksum mismatch at byte ${at}: the header says ${expected}, its bytes sum to ${unsigned}`,
    );
  }
  return false;
}

interface PaxAttributes {
  path?: string;
  linkpath?: string;
  size?: number;
}

/** Parses PAX extended header records (`<length> <key>=<value>\n`) into the attributes used here. */
function parsePax(buf: Buffer, into: PaxAttributes, at: number): void {
  let pos = 0;
  while (pos < buf.length) {
    if (buf[pos] === 0) break; // padding some writers leave
    let len = 0;
    let i = pos;
    while (i < buf.length && buf[i] >= 0x30 && buf[i] <= 0x39) len = len * 10 + (buf[i++] - 0x30);
    if (i === pos || buf[i] !== 0x20 || len <= i - pos + 1 || pos + len > buf.length) {
      throw new TarFormatError(`malformed PAX record in the extended header at byte ${at}`);
    }
    const end = pos + len;
    const eq = buf.indexOf(0x3d, i + 1);
    if (eq < 0 || eq >= end || buf[end - 1] !== 0x0a) {
      throw new TarFormatError(`malformed PAX record in the extended header at byte ${at}`);
    }
    const key = buf.toString('utf8', i + 1, eq);
    const value = buf.toString('utf8', eq + 1, end - 1);
    if (key === 'path') into.path = value;
    else if (key === 'linkpath') into.linkpath = value;
    else if (key === 'size') {
      let n = 0;
      for (let k = 0; k < value.length; k++) {
        const c = value.charCodeAt(k) - 0x30;
        if (c < 0 || c > 9) throw new TarFormatError(`invalid PAX size at byte ${at}`);
        n = n * 10 + c;
      }
      if (value.length === 0 || n > Number.MAX_SAFE_INTEGER) {
        throw new TarFormatError(`invalid PAX size at byte ${at}`);
      }
      into.size = n;
    }
    pos = end;
  }
}

function padding(size: number): number {
  const rest = size % BLOCK;
  return rest === 0 ? 0 : BLOCK - rest;
}

/**
 * Reads a tar stream (ustar, POSIX PAX, GNU long names) entry by entry without holding it in
 * memory: the source is pulled only as entries and their bodies are consumed, so a slow consumer
 * slows the source. Fails with a `TarFormatError` on a bad checksum or a truncated archive.
 */
export async function* readTar(source: AsyncIterable<Uint8Array>): AsyncGenerator<TarEntry> {
  const it = source[Symbol.asyncIterator]();
  const src = new ByteSource(it);
  const global: PaxAttributes = {};
  let local: PaxAttributes = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  let sawEntry = false;
  try {
    for (;;) {
      const at = src.offset;
      const header = await src.read(BLOCK, 'a header');
      if (!header) {
        // An empty stream is an empty layer; a stream cut at an entry boundary is not whole.
        if (!sawEntry) return;
        throw new TarFormatError(
          `tar archive is truncated: it ends at byte ${at} without the end-of-archive marker`,
        );
      }
      if (verifyHeader(header, at)) {
        const second = await src.read(BLOCK, 'the end-of-archive marker');
        // A lone zero block at the very end is tolerated, as GNU tar does.
        if (!second) return;
        let all = 0;
        for (let i = 0; i < BLOCK; i++) all |= second[i];
        if (all === 0) return;
        throw new TarFormatError(`a zero block at byte ${at} is followed by data`);
      }
      sawEntry = true;
      const flag = header[156];
      const headerSize = numberField(header, 124, 12, 'size', at);

      // Extended headers describe the entry that follows them.
      if (
        flag === 0x78 /* x */ ||
        flag === 0x67 /* g */ ||
        flag === 0x4c /* L */ ||
        flag === 0x4b /* K */
      ) {
        if (headerSize > MAX_EXTENDED_HEADER) {
          throw new TarFormatError(
            `extended header at byte ${at} is ${headerSize} bytes; at most ${MAX_EXTENDED_HEADER} are accepted`,
          );
        }
        const data = headerSize === 0 ? EMPTY : await src.read(headerSize, 'an extended header');
        if (!data) throw truncated('an extended header', src.offset);
        await src.skip(padding(headerSize), 'an extended header');
        if (flag === 0x78) parsePax(data, local, at);
        else if (flag === 0x67) parsePax(data, global, at);
        else if (flag === 0x4c) longName = cString(data, 0, data.length);
        else longLink = cString(data, 0, data.length);
        continue;
      }

      let name = local.path ?? longName ?? global.path;
      if (name === undefined) {
        name = cString(header, 0, 100);
        // POSIX ustar (magic "ustar\0") keeps a name prefix; GNU uses that area for other fields.
        if (
          header[257] === 0x75 &&
          header[262] === 0 &&
          header[263] === 0x30 &&
          header[345] !== 0
        ) {
          name = `${cString(header, 345, 155)}/${name}`;
        }
      }
      const linkName = local.linkpath ?? longLink ?? global.linkpath ?? cString(header, 157, 100);
      const dataSize = local.size ?? global.size ?? headerSize;
      local = {};
      longName = undefined;
      longLink = undefined;

      let type: TarEntryType | undefined;
      // Link, directory and device headers carry no data whatever their size field says.
      let stored = 0;
      switch (flag) {
        case 0:
        case 0x30: // 0
        case 0x37: // 7, contiguous
          // Pre-POSIX archives mark directories only by a trailing slash.
          type = name.endsWith('/') ? 'directory' : 'file';
          stored = dataSize;
          break;
        case 0x31:
          type = 'hardlink';
          break;
        case 0x32:
          type = 'symlink';
          break;
        case 0x35:
          type = 'directory';
          break;
        case 0x33: // character device
        case 0x34: // block device
        case 0x36: // FIFO
          type = 'other';
          break;
        default:
          stored = dataSize;
      }
      if (type === undefined) {
        await src.skip(stored + padding(stored), 'an entry body');
        continue;
      }
      const bodySize = type === 'file' ? stored : 0;
      let remaining = bodySize;
      let current = true;
      const entryType = type;
      const entry: TarEntry = {
        name,
        type: entryType,
        size: bodySize,
        mode: numberField(header, 100, 8, 'mode', at) & 0o7777,
        linkName: entryType === 'hardlink' || entryType === 'symlink' ? linkName : '',
        body: () => ({
          async *[Symbol.asyncIterator]() {
            if (!current) throw new Error(`the body of ${name} was read after the next entry`);
            while (remaining > 0) {
              const piece = await src.next(remaining, `the body of ${name}`);
              remaining -= piece.length;
              yield piece;
            }
          },
        }),
      };
      yield entry;
      current = false;
      await src.skip(remaining + (stored - bodySize) + padding(stored), `the body of ${name}`);
      remaining = 0;
    }
  } finally {
    await it.return?.();
  }
}
