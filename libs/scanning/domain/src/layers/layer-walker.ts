import type { FileExtractor, FileFindings, LayerFile } from './file-extractor';
import { decompressLayer, LayerDecodeError, LayerTooLargeError } from './layer-decompress';
import { readTar, TarFormatError, type TarEntry } from './tar-reader';

/**
 * The image cannot be scanned because its content is hostile or broken (paths escaping the
 * root, a decompression bomb, corrupt data). `message` is the reason to show the user.
 */
export class ScanInputError extends Error {
  override readonly name = 'ScanInputError';
}

/** Limits that keep a scan of a hostile image bounded in time and memory. */
export interface WalkOptions {
  /** Decompressed bytes per layer; default 8 GiB. */
  maxLayerBytes?: number;
  /** Decompressed bytes of all layers together; default 32 GiB. */
  maxImageBytes?: number;
  /** Tar entries of all layers together; default 2,000,000. */
  maxEntries?: number;
  /** Layers of one image; default 500. */
  maxLayers?: number;
}

/** The limits used when `WalkOptions` leaves one out. */
export const DEFAULT_WALK_LIMITS: Readonly<Required<WalkOptions>> = {
  maxLayerBytes: 8 * 1024 ** 3,
  maxImageBytes: 32 * 1024 ** 3,
  maxEntries: 2_000_000,
  maxLayers: 500,
};

/** One layer blob to walk; `open` is called only when its turn comes. */
export interface LayerBlob {
  /** Shown in messages: the layer's digest. */
  digest: string;
  open(): Promise<AsyncIterable<Uint8Array>>;
}

/** What survives in the final image: findings by path, and what could not be read. */
export interface WalkResult {
  findings: Map<string, FileFindings>;
  notes: string[];
  /** Layers walked. */
  layers: number;
}

const MAX_NOTES = 200;

/**
 * Normalizes a path inside an image (drops `./`, leading and doubled `/`, resolves `..`); the
 * root is `''`. Fails with `ScanInputError` when a `..` climbs above the root.
 */
export function normalizeImagePath(name: string, what: () => string = () => name): string {
  let end = name.length;
  while (end > 0 && name.charCodeAt(end - 1) === 0x2f) end--;
  const trimmed = end === name.length ? name : name.slice(0, end);
  // Most names need nothing; checking beats splitting every one of a million entries.
  if (
    trimmed.charCodeAt(0) !== 0x2f &&
    trimmed.charCodeAt(0) !== 0x2e &&
    trimmed.indexOf('/.') < 0 &&
    trimmed.indexOf('//') < 0
  ) {
    return trimmed;
  }
  const out: string[] = [];
  for (const segment of trimmed.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) throw new ScanInputError(`${what()} climbs above the image root`);
      out.pop();
    } else {
      out.push(segment);
    }
  }
  return out.join('/');
}

/** Paths that have findings, with a count per ancestor directory so subtrees are found cheaply. */
class FindingsIndex {
  readonly byPath = new Map<string, FileFindings>();
  private readonly dirs = new Map<string, number>();

  get(path: string): FileFindings | undefined {
    return this.byPath.get(path);
  }

  set(path: string, findings: FileFindings): void {
    if (!this.byPath.has(path)) this.countAncestors(path, 1);
    this.byPath.set(path, findings);
  }

  delete(path: string): void {
    if (this.byPath.delete(path)) this.countAncestors(path, -1);
  }

  /** Removes everything below `dir` (everything when `dir` is the root). */
  deleteBelow(dir: string): void {
    if (dir === '') {
      this.byPath.clear();
      this.dirs.clear();
      return;
    }
    if (!this.dirs.has(dir)) return;
    const prefix = `${dir}/`;
    for (const path of [...this.byPath.keys()]) if (path.startsWith(prefix)) this.delete(path);
  }

  /** What a non-directory entry at `path` does to what was there: the path and its subtree go. */
  replace(path: string): void {
    this.delete(path);
    this.deleteBelow(path);
  }

  private countAncestors(path: string, delta: number): void {
    for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
      const dir = path.slice(0, slash);
      const n = (this.dirs.get(dir) ?? 0) + delta;
      if (n === 0) this.dirs.delete(dir);
      else this.dirs.set(dir, n);
    }
  }
}

/** Hands body chunks to one stream extractor, holding at most one chunk it has not taken yet. */
class ChunkChannel implements AsyncIterableIterator<Buffer> {
  private slot: Buffer | undefined;
  private ended = false;
  private closed = false;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;

  /** Returns a promise only when the consumer has not yet taken the previous chunk. */
  put(chunk: Buffer): Promise<void> | undefined {
    if (this.closed) return undefined;
    if (this.slot === undefined) {
      this.slot = chunk;
      this.wake();
      return undefined;
    }
    return new Promise<void>((resolve) => {
      this.wakeProducer = resolve;
    }).then(() => this.put(chunk));
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  /** The consumer is gone (done or failed): chunks are dropped from now on. */
  close(): void {
    this.closed = true;
    this.slot = undefined;
    const wake = this.wakeProducer;
    this.wakeProducer = undefined;
    wake?.();
  }

  next(): Promise<IteratorResult<Buffer>> {
    const chunk = this.slot;
    if (chunk !== undefined) {
      this.slot = undefined;
      const wake = this.wakeProducer;
      this.wakeProducer = undefined;
      wake?.();
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.ended || this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise<void>((resolve) => {
      this.wakeConsumer = resolve;
    }).then(() => this.next());
  }

  return(): Promise<IteratorResult<Buffer>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Buffer> {
    return this;
  }

  private wake(): void {
    const wake = this.wakeConsumer;
    this.wakeConsumer = undefined;
    wake?.();
  }
}

type BufferExtractor = Extract<FileExtractor, { kind: 'buffer' }>;
type StreamExtractor = Extract<FileExtractor, { kind: 'stream' }>;
type Outcome = { ok: true; findings: FileFindings } | { ok: false; error: unknown };

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function mergeFindings(all: FileFindings[]): FileFindings | undefined {
  const packages = all.flatMap((f) => f.packages ?? []);
  const osRelease = all.find((f) => f.osRelease)?.osRelease;
  if (packages.length === 0 && !osRelease) return undefined;
  return { ...(packages.length > 0 ? { packages } : {}), ...(osRelease ? { osRelease } : {}) };
}

/** The findings of a hard link's target, now standing for the link's own path. */
function relocate(findings: FileFindings, from: string, to: string): FileFindings {
  if (!findings.packages) return findings;
  return {
    ...findings,
    packages: findings.packages.map((p) => (p.location === from ? { ...p, location: to } : p)),
  };
}

function destroySource(source: unknown): void {
  const destroy = (source as { destroy?: unknown } | null)?.destroy;
  if (typeof destroy === 'function') destroy.call(source);
}

/** Applies an image's layers in order and keeps what the extractors found in surviving files. */
class LayerWalk {
  private readonly limits: Required<WalkOptions>;
  private readonly lower = new FindingsIndex();
  private upper = new FindingsIndex();
  private readonly notes: string[] = [];
  private droppedNotes = 0;
  private entries = 0;
  private imageBytes = 0;
  private label = '';

  constructor(
    private readonly extractors: readonly FileExtractor[],
    options: WalkOptions,
  ) {
    this.limits = { ...DEFAULT_WALK_LIMITS, ...stripUndefined(options) };
  }

  async run(layers: LayerBlob[]): Promise<WalkResult> {
    if (layers.length > this.limits.maxLayers) {
      throw new ScanInputError(
        `the image has ${layers.length} layers; at most ${this.limits.maxLayers} are scanned`,
      );
    }
    for (const [index, layer] of layers.entries()) {
      this.label = `layer ${index + 1} (${layer.digest})`;
      await this.walkLayer(layer);
      for (const [path, findings] of this.upper.byPath) this.lower.set(path, findings);
      this.upper = new FindingsIndex();
    }
    const notes = [...this.notes];
    if (this.droppedNotes > 0) notes.push(`${this.droppedNotes} more notes left out`);
    return { findings: this.lower.byPath, notes, layers: layers.length };
  }

  private async walkLayer(layer: LayerBlob): Promise<void> {
    const imageLeft = this.limits.maxImageBytes - this.imageBytes;
    const maxBytes = Math.min(this.limits.maxLayerBytes, imageLeft);
    const source = await layer.open();
    const data = decompressLayer(source, { maxBytes });
    try {
      for await (const entry of readTar(data)) {
        if (++this.entries > this.limits.maxEntries) {
          throw new ScanInputError(
            `the image has more than ${this.limits.maxEntries} files, the most that is scanned`,
          );
        }
        await this.apply(entry);
      }
    } catch (err) {
      if (err instanceof ScanInputError) throw err;
      if (err instanceof TarFormatError || err instanceof LayerDecodeError) {
        throw new ScanInputError(`${this.label}: ${err.message}`, { cause: err });
      }
      if (err instanceof LayerTooLargeError) {
        throw new ScanInputError(
          maxBytes < this.limits.maxLayerBytes
            ? `the image expands to more than ${byteSize(this.limits.maxImageBytes)}, the most that is scanned`
            : `${this.label} expands to more than ${byteSize(this.limits.maxLayerBytes)}, the most that is scanned`,
          { cause: err },
        );
      }
      throw err;
    } finally {
      destroySource(source);
    }
    this.imageBytes += data.bytes;
  }

  private hostile(reason: string): ScanInputError {
    return new ScanInputError(`${this.label}: ${reason}`);
  }

  private path(name: string, what: () => string): string {
    try {
      return normalizeImagePath(name, what);
    } catch (err) {
      if (err instanceof ScanInputError) throw this.hostile(err.message);
      throw err;
    }
  }

  private note(text: string): void {
    if (this.notes.length < MAX_NOTES) this.notes.push(`${this.label}: ${text}`);
    else this.droppedNotes++;
  }

  private async apply(entry: TarEntry): Promise<void> {
    const path = this.path(entry.name, () => `entry ${JSON.stringify(entry.name)}`);
    if (path === '') return;
    const slash = path.lastIndexOf('/');
    if (path.startsWith('.wh.', slash + 1)) {
      this.whiteout(path, slash);
      return;
    }
    switch (entry.type) {
      case 'directory':
        // A directory merges with a lower one; it only hides a lower non-directory.
        this.lower.delete(path);
        this.upper.delete(path);
        return;
      case 'symlink':
        this.checkSymlink(path, slash, entry.linkName);
        break;
      case 'hardlink': {
        const target = this.path(
          entry.linkName,
          () => `hard link ${path} -> ${JSON.stringify(entry.linkName)}`,
        );
        this.lower.replace(path);
        this.upper.replace(path);
        const found = this.upper.get(target) ?? this.lower.get(target);
        if (found && target !== path) this.upper.set(path, relocate(found, target, path));
        return;
      }
      case 'file':
      case 'other':
        break;
    }
    this.lower.replace(path);
    this.upper.replace(path);
    if (entry.type === 'file') await this.extract(entry, path);
  }

  /** `.wh.<name>` hides `<name>` of lower layers; `.wh..wh..opq` hides all of its directory's. */
  private whiteout(path: string, slash: number): void {
    const dir = slash < 0 ? '' : path.slice(0, slash);
    const name = path.slice(slash + 5);
    if (name === '.wh..opq') {
      this.lower.deleteBelow(dir);
      return;
    }
    // Other `.wh..wh.` names are AUFS bookkeeping, not deletions.
    if (name.startsWith('.wh.')) return;
    if (name === '' || name === '.' || name === '..') {
      throw this.hostile(`malformed whiteout ${JSON.stringify(path)}`);
    }
    this.lower.replace(dir === '' ? name : `${dir}/${name}`);
  }

  private checkSymlink(path: string, slash: number, target: string): void {
    const resolved =
      target.charCodeAt(0) === 0x2f || slash < 0 ? target : `${path.slice(0, slash)}/${target}`;
    this.path(resolved, () => `symlink ${path} -> ${JSON.stringify(target)}`);
  }

  private async extract(entry: TarEntry, path: string): Promise<void> {
    const file: LayerFile = { path, size: entry.size, mode: entry.mode };
    const buffered: BufferExtractor[] = [];
    const streamed: StreamExtractor[] = [];
    const matched: FileExtractor[] = [];
    for (const extractor of this.extractors) {
      let wanted: boolean;
      try {
        wanted = extractor.matches(file);
      } catch (err) {
        this.note(`extractor ${extractor.name} failed on ${path}: ${describe(err)}`);
        continue;
      }
      if (!wanted) continue;
      if (extractor.kind === 'stream') {
        streamed.push(extractor);
        matched.push(extractor);
      } else if (file.size <= extractor.maxBytes) {
        buffered.push(extractor);
        matched.push(extractor);
      } else {
        this.note(
          `${path} (${file.size} bytes) skipped by extractor ${extractor.name}, which reads at most ${extractor.maxBytes} bytes`,
        );
      }
    }
    if (buffered.length === 0 && streamed.length === 0) return;

    const channels = streamed.map(() => new ChunkChannel());
    const running = streamed.map((extractor, i) => this.startStream(extractor, channels[i], file));
    const content = buffered.length > 0 ? Buffer.allocUnsafe(file.size) : undefined;
    let filled = 0;
    try {
      for await (const chunk of entry.body()) {
        if (content) chunk.copy(content, filled);
        filled += chunk.length;
        for (const channel of channels) {
          const waiting = channel.put(chunk);
          if (waiting) await waiting;
        }
      }
    } finally {
      for (const channel of channels) channel.end();
    }

    const outcomes: [string, Outcome][] = [];
    for (const extractor of matched) {
      const i = streamed.indexOf(extractor as StreamExtractor);
      const outcome =
        i >= 0
          ? await running[i]
          : await settle(() => (extractor as BufferExtractor).extract(content as Buffer, file));
      outcomes.push([extractor.name, outcome]);
    }
    const found: FileFindings[] = [];
    for (const [name, outcome] of outcomes) {
      if (outcome.ok) {
        for (const text of outcome.findings.notes ?? []) this.note(text);
        found.push(outcome.findings);
      } else this.note(`extractor ${name} could not read ${path}: ${describe(outcome.error)}`);
    }
    const merged = mergeFindings(found);
    if (merged) this.upper.set(path, merged);
  }

  private startStream(
    extractor: StreamExtractor,
    channel: ChunkChannel,
    file: LayerFile,
  ): Promise<Outcome> {
    return settle(() => extractor.extract(channel, file)).finally(() => channel.close());
  }
}

/** Runs `work`, turning a throw or a rejection into a value so no rejection goes unhandled. */
async function settle(work: () => FileFindings | Promise<FileFindings>): Promise<Outcome> {
  try {
    return { ok: true, findings: (await work()) ?? {} };
  } catch (error) {
    return { ok: false, error };
  }
}

function stripUndefined(options: WalkOptions): WalkOptions {
  const out: WalkOptions = {};
  for (const key of Object.keys(options) as (keyof WalkOptions)[]) {
    const value = options[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * Walks an image's layers in order, applying OCI whiteouts, and has each extractor read the
 * regular files it matches while the layer streams by. Returns the findings of files that
 * survive in the final image. Fails with `ScanInputError` on hostile or corrupt input.
 */
export function walkLayers(
  layers: LayerBlob[],
  extractors: readonly FileExtractor[],
  options: WalkOptions = {},
): Promise<WalkResult> {
  return new LayerWalk(extractors, options).run(layers);
}

/** A byte count as people read it: `8 GiB`, `512 MiB`, `1000 bytes`. */
function byteSize(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const)
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  return `${bytes} bytes`;
}
