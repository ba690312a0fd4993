/** An entry for `buildTar`; paths are written as given (long ones through PAX or GNU headers). */
export type TarBuilderEntry =
  | { type: 'file'; path: string; content: string | Buffer; mode?: number }
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'symlink'; path: string; target: string }
  | { type: 'hardlink'; path: string; target: string };

/** The fields of one raw header, for building archives entry by entry (or broken ones). */
export interface TarHeaderFields {
  name: string;
  /** Tar type flag character: `0` file, `1` hard link, `2` symlink, `5` directory, `x`, `L`... */
  type: string;
  size?: number;
  mode?: number;
  linkName?: string;
  /** Write the size in GNU base-256 instead of octal. */
  base256Size?: boolean;
  /** Added to the correct checksum, to build a corrupt header. */
  checksumDelta?: number;
}

/** How `buildTar` writes an archive. */
export interface BuildTarOptions {
  /** How names longer than the 100-byte header field are written; default `pax`. */
  longNames?: 'pax' | 'gnu';
  /** Leave out the two zero blocks that end an archive. */
  noEndMarker?: boolean;
}

function writeString(buf: Buffer, value: string, offset: number, length: number): void {
  Buffer.from(value, 'utf8').copy(buf, offset, 0, length);
}

function writeOctal(buf: Buffer, value: number, offset: number, length: number): void {
  writeString(buf, `${value.toString(8).padStart(length - 1, '0')}\0`, offset, length);
}

/** One 512-byte ustar header block. */
export function tarHeader(fields: TarHeaderFields): Buffer {
  const buf = Buffer.alloc(512);
  writeString(buf, fields.name, 0, 100);
  writeOctal(buf, fields.mode ?? 0o644, 100, 8);
  writeOctal(buf, 0, 108, 8);
  writeOctal(buf, 0, 116, 8);
  const size = fields.size ?? 0;
  if (fields.base256Size) {
    buf[124] = 0x80;
    let rest = size;
    for (let i = 135; i > 124; i--) {
      buf[i] = rest % 256;
      rest = Math.floor(rest / 256);
    }
  } else {
    writeOctal(buf, size, 124, 12);
  }
  writeOctal(buf, 0, 136, 12);
  buf.write(fields.type, 156, 1, 'latin1');
  writeString(buf, fields.linkName ?? '', 157, 100);
  buf.write('ustar\0', 257, 'latin1');
  buf.write('00', 263, 'latin1');
  buf.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of buf) sum += b;
  writeOctal(buf, sum + (fields.checksumDelta ?? 0), 148, 7);
  buf[155] = 0x20;
  return buf;
}

/** The zero bytes that pad a body of `size` bytes to a whole block. */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc((512 - (size % 512)) % 512);
}

/** A header plus its padded body. */
export function tarRecord(fields: TarHeaderFields, body: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([
    tarHeader({ ...fields, size: body.length }),
    body,
    tarPadding(body.length),
  ]);
}

/** A PAX extended header (`x`, or `g` for global) carrying `attributes`. */
export function paxRecord(attributes: Record<string, string>, type: 'x' | 'g' = 'x'): Buffer {
  const records = Object.entries(attributes).map(([key, value]) => {
    const rest = ` ${key}=${value}\n`;
    let len = Buffer.byteLength(rest) + 1;
    while (String(len).length + Buffer.byteLength(rest) !== len) len++;
    return `${len}${rest}`;
  });
  return tarRecord({ name: 'PaxHeader', type }, Buffer.from(records.join(''), 'utf8'));
}

/** The end-of-archive marker. */
export const TAR_END = Buffer.alloc(1024);

/** Writes a tar archive of `entries` in memory, for tests. */
export function buildTar(entries: TarBuilderEntry[], options: BuildTarOptions = {}): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const target = entry.type === 'symlink' || entry.type === 'hardlink' ? entry.target : '';
    const longPath = Buffer.byteLength(entry.path) > 100;
    const longTarget = Buffer.byteLength(target) > 100;
    if (options.longNames === 'gnu') {
      if (longPath)
        parts.push(tarRecord({ name: '././@LongLink', type: 'L' }, Buffer.from(`${entry.path}\0`)));
      if (longTarget)
        parts.push(tarRecord({ name: '././@LongLink', type: 'K' }, Buffer.from(`${target}\0`)));
    } else if (longPath || longTarget) {
      parts.push(
        paxRecord({
          ...(longPath ? { path: entry.path } : {}),
          ...(longTarget ? { linkpath: target } : {}),
        }),
      );
    }
    const name = longPath ? entry.path.slice(0, 100) : entry.path;
    const linkName = longTarget ? target.slice(0, 100) : target;
    switch (entry.type) {
      case 'file': {
        const body = typeof entry.content === 'string' ? Buffer.from(entry.content) : entry.content;
        parts.push(tarRecord({ name, type: '0', mode: entry.mode }, body));
        break;
      }
      case 'dir':
        parts.push(
          tarHeader({
            name: name.endsWith('/') ? name : `${name}/`,
            type: '5',
            mode: entry.mode ?? 0o755,
          }),
        );
        break;
      case 'symlink':
        parts.push(tarHeader({ name, type: '2', linkName, mode: 0o777 }));
        break;
      case 'hardlink':
        parts.push(tarHeader({ name, type: '1', linkName }));
        break;
    }
  }
  if (!options.noEndMarker) parts.push(TAR_END);
  return Buffer.concat(parts);
}

/**
 * A zstd layer made with `zstd -19 --no-check` from a ustar archive of two files:
 * `etc/os-release` ("ID=alpine\nVERSION_ID=3.20.3\n") and `lib/apk/db/installed` (musl 1.2.5-r0,
 * busybox 1.36.1-r29), with directory entries `etc/`, `lib/`, `lib/apk/`, `lib/apk/db/`.
 */
export const ZSTD_LAYER_FIXTURE =
  'KLUv/WAAJxUHAJJJIBlA1QOw7/9NvLolSuwTGu9pmjxGC1PUHBkSBN2CKXH1MunrnVQ0MYsWR3jwiiP+FlxJ5SygyHt3FU3Fc1Kbc811rBIkCtP7U7A0Xa9UcRirfCprtDDK4yRQ3FilcW0gygMw1zynrdbi3fXmewt6Bv/hprnewQvAxzk/vDc/FCZuByMg4ExkKChsA8sHPYjXKAqGarBgPOlFuMHHrgoK3OpGG1DSIwCwDYAKAgAiNdaoWvFEA1pg7FQsGXDUAL8qV4EARo3Ije3Opge0gnQpAD+DJR0wp/wq4QEHBWA8hTc=';
