import type { FileExtractor, LayerFile } from '../layers/file-extractor';
import type { InstalledPackage } from './installed-package';
import { UNKNOWN_VERSION } from './npm-package.analyzer';

/** A module as a Go binary's build info records it (`mod`, `dep` and `=>` lines). */
export interface GoModule {
  path: string;
  version: string;
  sum: string;
  /** The module it was replaced with (`=>` line), when replaced. */
  replace?: GoModule;
}

/** A `build` line: a build setting such as `-ldflags`, `vcs.revision` or `GOARCH`. */
export interface GoBuildSetting {
  key: string;
  value: string;
}

/** The build information the Go toolchain embeds in a binary (what `go version -m` prints). */
export interface GoBuildInfo {
  /** Toolchain that built it, as recorded: `go1.26.0`, `go1.22.1 X:boringcrypto`. */
  goVersion: string;
  /** Package path of the main package (`path` line). */
  path: string;
  /** The main module (`mod` line), absent when the binary was built outside a module. */
  main?: GoModule;
  deps: GoModule[];
  settings: GoBuildSetting[];
}

/** Go build info that cannot be read: malformed module info text, or a format not supported. */
export class GoBuildInfoError extends Error {}

const DEVEL = '(devel)';

/**
 * Go's string quoting (`strconv.Quote` and raw backquotes) as build settings use it: returns
 * the length of the quoted string at the start of `text`, or -1 when there is none.
 */
function quotedPrefixLength(text: string): number {
  const quote = text[0];
  if (quote === '`') {
    const end = text.indexOf('`', 1);
    return end < 0 ? -1 : end + 1;
  }
  if (quote !== '"') return -1;
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
    else if (text[i] === '\n') return -1;
  }
  return -1;
}

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  '\\': 92,
  '"': 34,
};

/** Undoes Go's string quoting; escapes may spell bytes (`\xff`), so the result is decoded as UTF-8. */
function unquoteGo(quoted: string): string {
  if (quoted.length >= 2 && quoted.startsWith('`') && quoted.endsWith('`')) {
    return quoted.slice(1, -1);
  }
  const invalid = () => new GoBuildInfoError(`invalid quoted string ${quoted}`);
  if (quoted.length < 2 || !quoted.startsWith('"') || !quoted.endsWith('"')) throw invalid();
  const body = quoted.slice(1, -1);
  const parts: Buffer[] = [];
  let i = 0;
  while (i < body.length) {
    const backslash = body.indexOf('\\', i);
    const end = backslash < 0 ? body.length : backslash;
    parts.push(Buffer.from(body.slice(i, end), 'utf8'));
    if (backslash < 0) break;
    const escape = body[backslash + 1] ?? '';
    const hexDigits = escape === 'x' ? 2 : escape === 'u' ? 4 : escape === 'U' ? 8 : 0;
    if (escape in SIMPLE_ESCAPES) {
      parts.push(Buffer.of(SIMPLE_ESCAPES[escape]));
      i = backslash + 2;
    } else if (hexDigits > 0) {
      const hex = body.slice(backslash + 2, backslash + 2 + hexDigits);
      if (hex.length !== hexDigits || !/^[0-9a-fA-F]+$/.test(hex)) throw invalid();
      const code = parseInt(hex, 16);
      if (escape === 'x') parts.push(Buffer.of(code));
      else if (code > 0x10ffff) throw invalid();
      else parts.push(Buffer.from(String.fromCodePoint(code), 'utf8'));
      i = backslash + 2 + hexDigits;
    } else if (/^[0-7]{3}$/.test(body.slice(backslash + 1, backslash + 4))) {
      const code = parseInt(body.slice(backslash + 1, backslash + 4), 8);
      if (code > 0xff) throw invalid();
      parts.push(Buffer.of(code));
      i = backslash + 4;
    } else {
      throw invalid();
    }
  }
  return Buffer.concat(parts).toString('utf8');
}

function moduleLine(columns: string[], line: number): GoModule {
  if (columns.length !== 2 && columns.length !== 3) {
    throw new GoBuildInfoError(
      `line ${line}: expected 2 or 3 columns in a module line, got ${columns.length}`,
    );
  }
  return { path: columns[0], version: columns[1], sum: columns[2] ?? '' };
}

function buildLine(kv: string, line: number): GoBuildSetting {
  const fail = (why: string) => new GoBuildInfoError(`line ${line}: ${why}`);
  if (kv === '') throw fail("build line missing '='");
  let key: string;
  let rawValue: string;
  if (kv[0] === '=') throw fail('build line with missing key');
  if (kv[0] === '"' || kv[0] === '`') {
    const length = quotedPrefixLength(kv);
    if (length < 0) throw fail('invalid quoted key in build line');
    if (kv[length] !== '=') throw fail("build line missing '=' after quoted key");
    key = unquoteGo(kv.slice(0, length));
    rawValue = kv.slice(length + 1);
  } else {
    const eq = kv.indexOf('=');
    if (eq < 0) throw fail("build line missing '=' after key");
    key = kv.slice(0, eq);
    rawValue = kv.slice(eq + 1);
    if (/[= \t\r\n"`]/.test(key)) throw fail(`unquoted key "${key}" must be quoted`);
  }
  let value = rawValue;
  if (rawValue[0] === '"' || rawValue[0] === '`') value = unquoteGo(rawValue);
  else if (/[ \t\r\n"`]/.test(rawValue)) throw fail(`unquoted value "${rawValue}" must be quoted`);
  return { key, value };
}

/**
 * Reads the module info text of a Go binary (what follows the version in `go version -m`):
 * tab-separated `path`, `mod`, `dep`, `=>` (replaces the module on the line before) and
 * `build` lines, each ended by a newline. Throws {@link GoBuildInfoError} on malformed text,
 * as the Go toolchain does.
 */
export function parseGoModuleInfo(text: string, goVersion: string): GoBuildInfo {
  const info: GoBuildInfo = { goVersion, path: '', deps: [], settings: [] };
  let last: GoModule | undefined;
  const lines = text.split('\n');
  // Only newline-terminated lines count: the text after the last newline is ignored.
  for (let n = 0; n < lines.length - 1; n++) {
    const line = lines[n];
    const lineNumber = n + 1;
    if (line.startsWith('path\t')) {
      info.path = line.slice(5);
    } else if (line.startsWith('mod\t')) {
      info.main = moduleLine(line.slice(4).split('\t'), lineNumber);
      last = info.main;
    } else if (line.startsWith('dep\t')) {
      last = moduleLine(line.slice(4).split('\t'), lineNumber);
      info.deps.push(last);
    } else if (line.startsWith('=>\t')) {
      const columns = line.slice(3).split('\t');
      if (columns.length !== 3) {
        throw new GoBuildInfoError(
          `line ${lineNumber}: expected 3 columns for a replacement, got ${columns.length}`,
        );
      }
      if (!last) {
        throw new GoBuildInfoError(
          `line ${lineNumber}: replacement with no module on the line before`,
        );
      }
      last.replace = { path: columns[0], version: columns[1], sum: columns[2] };
      last = undefined;
    } else if (line.startsWith('build\t')) {
      info.settings.push(buildLine(line.slice(6), lineNumber));
    }
  }
  return info;
}

const EMPTY_MODULE: GoModule = { path: '', version: '', sum: '' };

function sameModule(a: GoModule | undefined, b: GoModule | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.path === b.path &&
    a.version === b.version &&
    a.sum === b.sum &&
    sameModule(a.replace, b.replace)
  );
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

// `-X main.version=1.2.3`, `-X <main module>/internal/build.GitVersion=v1.2.3`, `-X main.Tag=...`.
const LDFLAGS_VERSION_SUFFIXES = [
  String.raw`\.[a-zA-Z0-9]*([rR]elease)?([gG]it)?([bB]uild)?[vV]er(sion)?=(\S+/)*(?<version>v?\d+.\d+.\d+[-\w]*(?:\.[-\w]+)*)`,
  String.raw`\.[a-zA-Z0-9]*([tT]ag)=(\S+/)*(?<version>v?\d+.\d+.\d+[-\w]*(?:\.[-\w]+)*)`,
];

/** A version set through `-ldflags -X` on a `main` or main-module variable named like a version. */
export function versionFromLdflags(ldflags: string, mainModule: string): string | undefined {
  for (const suffix of LDFLAGS_VERSION_SUFFIXES) {
    const pattern = new RegExp(`(main|${escapeRegExp(mainModule)}/[^\\s]*)${suffix}`);
    const version = pattern.exec(ldflags)?.groups?.version;
    if (version) return version.startsWith('v') ? version : `v${version}`;
  }
  return undefined;
}

/** The `v0.0.0-yyyymmddhhmmss-abcdefabcdef` pseudo-version of a VCS revision and commit time. */
export function pseudoVersion(revision: string, commitTime: string): string {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/.exec(
      commitTime,
    );
  let stamp = '00010101000000';
  if (m) {
    const offsetMinutes = m[7] === 'Z' ? 0 : (m[8] === '-' ? -1 : 1) * (+m[9] * 60 + +m[10]);
    const utc = new Date(
      Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) - offsetMinutes * 60_000,
    );
    const valid =
      +m[2] >= 1 &&
      +m[2] <= 12 &&
      +m[3] >= 1 &&
      +m[3] <= 31 &&
      +m[4] < 24 &&
      +m[5] < 60 &&
      +m[6] < 60;
    if (valid) {
      const pad = (n: number, width = 2) => String(n).padStart(width, '0');
      stamp =
        pad(utc.getUTCFullYear(), 4) +
        pad(utc.getUTCMonth() + 1) +
        pad(utc.getUTCDate()) +
        pad(utc.getUTCHours()) +
        pad(utc.getUTCMinutes()) +
        pad(utc.getUTCSeconds());
    }
  }
  return `v0.0.0-${stamp}-${revision.slice(0, 12)}`;
}

/**
 * The version of a main module built without one (`(devel)`): a version passed through
 * `-ldflags -X`, else the pseudo-version of the VCS revision stamped into the build, else none.
 */
function develMainModuleVersion(main: GoModule, settings: GoBuildSetting[]): string {
  const setting = (key: string) => settings.find((s) => s.key === key)?.value;
  const fromLdflags = versionFromLdflags(setting('-ldflags') ?? '', main.path);
  if (fromLdflags) return fromLdflags;
  const revision = setting('vcs.revision');
  const time = setting('vcs.time');
  if (revision !== undefined && time !== undefined) return pseudoVersion(revision, time);
  return '';
}

function modulePackage(module: GoModule, location: string): InstalledPackage {
  // A replacement by a local directory keeps the required module's name.
  const local = module.replace && /^[./]/.test(module.replace.path);
  const name = module.replace && !local ? module.replace.path : module.path;
  const version = (module.replace ?? module).version;
  return {
    ecosystem: 'Go',
    name,
    version: version === DEVEL || version.trim() === '' ? UNKNOWN_VERSION : version,
    location,
  };
}

/**
 * The packages a Go binary's build info stands for, as syft reports them: the main module, each
 * dependency (under its replacement's path and version when replaced by another module; a
 * local directory replacement keeps the original path), and `stdlib` at the toolchain's
 * version (`go1.26.0`). A `(devel)` main module gets its version from `-ldflags -X`, else the
 * pseudo-version of its VCS stamp, else {@link UNKNOWN_VERSION}.
 */
export function goBuildInfoPackages(info: GoBuildInfo, location: string): InstalledPackage[] {
  let main = info.main ?? EMPTY_MODULE;
  let deps = info.deps;
  const partialBuild = sameModule(main, { path: 'command-line-arguments', version: '', sum: '' });
  if ((sameModule(main, EMPTY_MODULE) && info.path !== '') || partialBuild) {
    // No usable `mod` line: the one dependency built from source is the main module.
    const fromSource = deps.filter((d) => d.version === DEVEL);
    if (fromSource.length === 1) {
      main = fromSource[0];
      deps = deps.filter((d) => d !== main);
    } else {
      main = { path: info.path, version: DEVEL, sum: '' };
    }
  }
  const modules: InstalledPackage[] = [];
  if (!sameModule(main, EMPTY_MODULE)) {
    const version =
      main.version === DEVEL ? develMainModuleVersion(main, info.settings) : main.version;
    modules.push(modulePackage({ ...main, version }, location));
  }
  for (const dep of deps) {
    if (!sameModule(dep, main)) modules.push(modulePackage(dep, location));
  }
  const packages = modules.filter((p) => p.name !== '');
  const goVersion = info.goVersion.split(' ')[0];
  // The standard library is reported only for toolchain versions that carry a number.
  if (
    (packages.length > 0 || !sameModule(main, EMPTY_MODULE)) &&
    /\d/.test(goVersion.replace(/^go/, '').split('+')[0])
  ) {
    packages.push({ ecosystem: 'Go', name: 'stdlib', version: goVersion, location });
  }
  return packages;
}

/** `\xff Go buildinf:`, which starts the 32-byte build info header at a 16-byte aligned address. */
const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const ALIGN = 16;
/** Most bytes kept after a candidate magic while its version and module strings arrive. */
export const GO_BUILD_INFO_MAX_BYTES = 1024 * 1024;
const MAX_GO_VERSION_LENGTH = 1024;
/** Bytes from the start of the file kept to recognize the executable format. */
const HEAD_BYTES = 1024;
const FLAG_VERSION_INLINE = 0x2;

const EXECUTABLE_MAGICS: readonly Buffer[] = [
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  [0xfe, 0xed, 0xfa, 0xce], // Mach-O 32 and 64 bit, either byte order
  [0xfe, 0xed, 0xfa, 0xcf],
  [0xce, 0xfa, 0xed, 0xfe],
  [0xcf, 0xfa, 0xed, 0xfe],
  [0xca, 0xfe, 0xba, 0xbe], // Mach-O universal
  [0x4d, 0x5a], // PE: "MZ"
  [0x01, 0xdf], // XCOFF 32 and 64 bit
  [0x01, 0xf7],
  [0x00, 0x00, 0x01, 0xeb], // Plan 9 a.out: 386, amd64, arm
  [0x00, 0x00, 0x8a, 0x97],
  [0x00, 0x00, 0x06, 0x47],
].map((bytes) => Buffer.from(bytes));

/**
 * Whether a file starts like an executable or shared library that Go builds: ELF, Mach-O (one
 * architecture or universal), PE, XCOFF or Plan 9 a.out.
 */
export function isExecutableHeader(head: Buffer): boolean {
  return EXECUTABLE_MAGICS.some(
    (magic) => head.length >= magic.length && head.subarray(0, magic.length).equals(magic),
  );
}

function readUvarint(buf: Buffer, at: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buf.length && i < at + 10; i++) {
    value += (buf[i] & 0x7f) * scale;
    if (buf[i] < 0x80) return { value, next: i + 1 };
    scale *= 128;
  }
  return undefined;
}

type BlobReading =
  | { kind: 'found'; goVersion: string; moduleInfo: string }
  | { kind: 'more'; need: number }
  | { kind: 'legacy' }
  | { kind: 'invalid' };

/** Decodes a build info blob that starts at `blob[0]` with the magic, as far as its bytes allow. */
function readBuildInfoBlob(blob: Buffer): BlobReading {
  if (blob.length < HEADER_SIZE) return { kind: 'more', need: HEADER_SIZE };
  const pointerSize = blob[14];
  if (pointerSize !== 4 && pointerSize !== 8) return { kind: 'invalid' };
  if ((blob[15] & FLAG_VERSION_INLINE) === 0) return { kind: 'legacy' };
  const versionLength = readUvarint(blob, HEADER_SIZE);
  if (!versionLength) {
    return blob.length >= HEADER_SIZE + 10
      ? { kind: 'invalid' }
      : { kind: 'more', need: blob.length + 1 };
  }
  if (versionLength.value === 0 || versionLength.value > MAX_GO_VERSION_LENGTH)
    return { kind: 'invalid' };
  const versionEnd = versionLength.next + versionLength.value;
  if (blob.length < versionEnd) return { kind: 'more', need: versionEnd };
  const goVersion = blob.toString('latin1', versionLength.next, versionEnd);
  // A real toolchain version is printable; this rejects a magic string that merely appears in data.
  if (!/^[\x20-\x7e]+$/.test(goVersion)) return { kind: 'invalid' };
  const modLength = readUvarint(blob, versionEnd);
  if (!modLength) {
    return blob.length >= versionEnd + 10
      ? { kind: 'invalid' }
      : { kind: 'more', need: blob.length + 1 };
  }
  if (modLength.value > GO_BUILD_INFO_MAX_BYTES) return { kind: 'invalid' };
  const modEnd = modLength.next + modLength.value;
  if (blob.length < modEnd) return { kind: 'more', need: modEnd };
  const framed = blob.subarray(modLength.next, modEnd);
  // The module info sits between two 16-byte sentinels; the last line before the end one ends in '\n'.
  const moduleInfo =
    framed.length >= 33 && framed[framed.length - 17] === 0x0a
      ? framed.toString('utf8', 16, framed.length - 16)
      : '';
  return { kind: 'found', goVersion, moduleInfo };
}

function findAlignedMagic(buf: Buffer, bufStart: number): number {
  for (let i = buf.indexOf(MAGIC); i >= 0; i = buf.indexOf(MAGIC, i + 1)) {
    if ((bufStart + i) % ALIGN === 0) return i;
  }
  return -1;
}

const EMPTY = Buffer.alloc(0);

/**
 * Finds and decodes the build info blob of a Go binary from its bytes, given chunk by chunk in
 * order. It keeps at most the first kilobyte, a few bytes across chunk boundaries, and then no
 * more than {@link GO_BUILD_INFO_MAX_BYTES} after a magic; a file that does not start like an
 * executable is not searched at all.
 */
export class GoBuildInfoScanner {
  private state: 'head' | 'search' | 'collect' | 'done' | 'skip' = 'head';
  private offset = 0;
  private head = EMPTY;
  private carry = EMPTY;
  private carryStart = 0;
  private pieces: Buffer[] = [];
  private collected = 0;
  private candidateStart = 0;
  private need = 0;
  private legacy = false;
  private upx = false;
  private found?: { goVersion: string; moduleInfo: string };

  /** Bytes of the file held right now: never much more than a chunk plus the bound after a magic. */
  get heldBytes(): number {
    return this.head.length + this.carry.length + this.collected;
  }

  /** Takes the next chunk of the file. */
  push(chunk: Buffer): void {
    if (chunk.length === 0 || this.state === 'done' || this.state === 'skip') return;
    const start = this.offset;
    this.offset += chunk.length;
    if (this.state === 'head') {
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length >= HEAD_BYTES) this.startSearch();
    } else if (this.state === 'search') {
      this.search(chunk, start, false);
    } else {
      this.pieces.push(Buffer.from(chunk));
      this.collected += chunk.length;
      if (this.collected >= this.need) this.retry(this.tryCandidate(false));
    }
  }

  /**
   * Ends the file: the raw version and module info text found, or undefined when it is no Go
   * binary. Throws {@link GoBuildInfoError} for Go build info it cannot read (the pointer-based
   * format of Go before 1.18, or a UPX-packed executable).
   */
  finish(): { goVersion: string; moduleInfo: string } | undefined {
    if (this.state === 'head') this.startSearch();
    while (this.state === 'collect') this.retry(this.tryCandidate(true));
    if (this.found) return this.found;
    if (this.legacy) {
      throw new GoBuildInfoError(
        'Go build info in the pointer format of Go before 1.18 is not supported',
      );
    }
    if (this.upx) {
      throw new GoBuildInfoError('UPX-packed executable: its contents were not inspected');
    }
    return undefined;
  }

  private startSearch(): void {
    const head = this.head;
    this.head = EMPTY;
    if (!isExecutableHeader(head)) {
      this.state = 'skip';
      return;
    }
    this.upx = head.subarray(0, HEAD_BYTES).includes('UPX!');
    this.state = 'search';
    this.search(head, 0, true);
  }

  /** Searches on after a candidate that was no build info: its bytes from the second on. */
  private retry(rest: Buffer | undefined): void {
    if (rest) this.search(rest, this.candidateStart + 1, true);
  }

  /**
   * Tries the candidates in `buf` (at file offset `start`) one after another until one is found
   * or needs more bytes. A loop over views of one buffer: data can hold a magic every 16 bytes,
   * and neither recursion nor a copy per candidate may grow with that. `owned` buffers are this
   * scanner's own and are not copied.
   */
  private search(buf: Buffer, start: number, owned: boolean): void {
    for (;;) {
      let candidate: Buffer | undefined;
      let candidateStart = 0;
      if (this.carry.length > 0) {
        // A magic may begin in the tail of the previous bytes and end in these.
        const glued = Buffer.concat([this.carry, buf.subarray(0, MAGIC.length - 1)]);
        const i = findAlignedMagic(glued, this.carryStart);
        if (i >= 0 && i < this.carry.length) {
          candidate = Buffer.concat([this.carry.subarray(i), buf]);
          candidateStart = this.carryStart + i;
        }
      }
      if (!candidate) {
        const j = findAlignedMagic(buf, start);
        if (j < 0) {
          const tail = Buffer.concat([this.carry, buf.subarray(-(MAGIC.length - 1))]);
          this.carry = Buffer.from(tail.subarray(Math.max(0, tail.length - (MAGIC.length - 1))));
          this.carryStart = start + buf.length - this.carry.length;
          return;
        }
        candidate = owned ? buf.subarray(j) : Buffer.from(buf.subarray(j));
        candidateStart = start + j;
      }
      this.carry = EMPTY;
      this.state = 'collect';
      this.pieces = [candidate];
      this.collected = candidate.length;
      this.candidateStart = candidateStart;
      this.need = 0;
      const rest = this.tryCandidate(false);
      if (!rest) return;
      buf = rest;
      start = candidateStart + 1;
      owned = true;
    }
  }

  /**
   * Decodes the candidate held so far. Returns its bytes from the second on when it is no build
   * info after all (the search goes on there), undefined when it is found or needs more bytes.
   */
  private tryCandidate(atEnd: boolean): Buffer | undefined {
    const blob = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces);
    this.pieces = [blob];
    const reading = readBuildInfoBlob(blob);
    if (reading.kind === 'found') {
      this.found = { goVersion: reading.goVersion, moduleInfo: reading.moduleInfo };
      this.state = 'done';
      this.pieces = [];
      return undefined;
    }
    if (
      reading.kind === 'more' &&
      !atEnd &&
      reading.need <= GO_BUILD_INFO_MAX_BYTES + HEADER_SIZE + 20
    ) {
      this.need = reading.need;
      return undefined;
    }
    if (reading.kind === 'legacy') this.legacy = true;
    this.state = 'search';
    this.pieces = [];
    this.collected = 0;
    return blob.subarray(1);
  }
}

/** Reads the build info of a Go binary from its chunks; undefined for any other file. */
export async function readGoBuildInfo(
  chunks: AsyncIterable<Buffer>,
): Promise<GoBuildInfo | undefined> {
  const scanner = new GoBuildInfoScanner();
  for await (const chunk of chunks) scanner.push(chunk);
  const raw = scanner.finish();
  return raw && parseGoModuleInfo(raw.moduleInfo, raw.goVersion);
}

/**
 * Files looked into for Go build info: anything with an execute bit, and files without one that
 * are large enough to be a Go binary copied without its mode (even an empty stripped program is
 * over a megabyte). The content decides: only files that start like an executable are searched.
 */
export const GO_BINARY_MIN_SIZE_WITHOUT_EXEC_BIT = 512 * 1024;

/** Finds the modules and toolchain compiled into Go binaries. */
export const goBinaryExtractor: FileExtractor = {
  name: 'go-binary-buildinfo',
  kind: 'stream',
  matches: (file: LayerFile) =>
    (file.mode & 0o111) !== 0 || file.size >= GO_BINARY_MIN_SIZE_WITHOUT_EXEC_BIT,
  extract: async (chunks: AsyncIterable<Buffer>, file: LayerFile) => {
    const info = await readGoBuildInfo(chunks);
    return { packages: info ? goBuildInfoPackages(info, file.path) : [] };
  },
};
