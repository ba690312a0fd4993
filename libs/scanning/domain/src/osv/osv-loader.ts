import { createWriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as yauzl from 'yauzl';
import { OsvDatabase, OsvFormatError, parseOsvAdvisory } from './osv-database';

/** Limits and places for loading an OSV database. */
export interface OsvLoadOptions {
  /** Largest single advisory JSON read; larger files are skipped. Default 4 MiB. */
  maxAdvisoryBytes?: number;
  /** Largest zip downloaded from an http(s) source. Default 2 GiB. */
  maxDownloadBytes?: number;
  /** Where a downloaded zip is kept while it is read. Default the system temp directory. */
  tempDir?: string;
  /** Gives up a download that has not finished in this time. Default 10 minutes. */
  downloadTimeoutMs?: number;
  /** Stops the load. */
  signal?: AbortSignal;
}

/** A source that cannot be read as an OSV database. */
export class OsvLoadError extends Error {
  override readonly name = 'OsvLoadError';
}

const MiB = 1024 * 1024;
const DEFAULTS = {
  maxAdvisoryBytes: 4 * MiB,
  maxDownloadBytes: 2048 * MiB,
  downloadTimeoutMs: 10 * 60_000,
};
const MAX_REASONS = 20;
const MAX_REDIRECTS = 5;

type Limits = Required<Omit<OsvLoadOptions, 'tempDir' | 'signal'>> & {
  tempDir: string;
  signal?: AbortSignal;
};

/**
 * Loads an OSV database from `source`: a directory (every `*.json` below it, one advisory per
 * file as osv.dev exports them, and every `*.zip` in osv.dev's `<Ecosystem>/all.zip` layout), a
 * `.zip` file, a single `.json` advisory, or an `http(s)://` URL of such a zip (downloaded to a
 * temporary file first, size-capped, removed afterwards). Zip entries are streamed one at a time.
 * An advisory that is too large, not JSON or not an OSV record is counted in `skipped` and the
 * load goes on; withdrawn advisories are read but not matched. Throws OsvLoadError when the
 * source cannot be read or holds no valid advisory.
 */
export async function loadOsvDatabase(
  source: string,
  options: OsvLoadOptions = {},
): Promise<OsvDatabase> {
  const limits: Limits = {
    maxAdvisoryBytes: options.maxAdvisoryBytes ?? DEFAULTS.maxAdvisoryBytes,
    maxDownloadBytes: options.maxDownloadBytes ?? DEFAULTS.maxDownloadBytes,
    downloadTimeoutMs: options.downloadTimeoutMs ?? DEFAULTS.downloadTimeoutMs,
    tempDir: options.tempDir ?? os.tmpdir(),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const db = new OsvDatabase();
  const loader = new Loader(db, limits);
  if (/^https?:\/\//i.test(source)) {
    const dir = await fs.mkdtemp(path.join(limits.tempDir, 'berth-osv-'));
    try {
      const file = path.join(dir, 'osv.zip');
      await download(source, file, limits);
      await loader.zip(file, redact(source));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  } else {
    const stat = await fs.stat(source).catch((e: unknown) => {
      throw new OsvLoadError(`cannot read OSV source ${source}: ${messageOf(e)}`);
    });
    if (stat.isDirectory()) await loader.directory(source);
    else if (/\.zip$/i.test(source)) await loader.zip(source, source);
    else if (/\.json$/i.test(source)) await loader.jsonFile(source, stat.size);
    else throw new OsvLoadError(`OSV source ${source} is not a directory, .zip or .json file`);
  }
  if (loader.valid === 0)
    throw new OsvLoadError(
      `OSV source ${redact(source)} holds no valid advisory` +
        (db.skipped > 0 ? ` (${db.skipped} skipped; first: ${db.skippedReasons[0]})` : ''),
    );
  db.loadedAt = new Date().toISOString();
  return db;
}

class Loader {
  /** Advisories that passed validation, withdrawn ones included. */
  valid = 0;

  constructor(
    private readonly db: OsvDatabase,
    private readonly limits: Limits,
  ) {}

  async directory(dir: string): Promise<void> {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      this.limits.signal?.throwIfAborted();
      const full = path.join(dir, entry.name);
      // Symbolic links are not followed: a link loop must not hang a load.
      if (entry.isDirectory()) await this.directory(full);
      else if (!entry.isFile()) continue;
      else if (/\.json$/i.test(entry.name)) await this.jsonFile(full, (await fs.stat(full)).size);
      else if (/\.zip$/i.test(entry.name)) await this.zip(full, full);
    }
  }

  async jsonFile(file: string, size: number): Promise<void> {
    if (size > this.limits.maxAdvisoryBytes) return this.skip(file, tooLarge(size, this.limits));
    this.advisory(await fs.readFile(file), file);
  }

  /** Reads the `.json` entries of a zip one by one; a zip that cannot be read fails the load. */
  async zip(file: string, label: string): Promise<void> {
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, z) =>
        err ? reject(err) : resolve(z),
      ),
    ).catch((e: unknown) => {
      throw new OsvLoadError(`cannot read zip ${label}: ${messageOf(e)}`);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const fail = (e: unknown): void => {
          if (zip.isOpen) zip.close();
          reject(new OsvLoadError(`cannot read zip ${label}: ${messageOf(e)}`));
        };
        zip.on('error', fail);
        zip.on('end', resolve);
        zip.on('entry', (entry: yauzl.Entry) => {
          const where = `${label}!${entry.fileName}`;
          if (this.limits.signal?.aborted) {
            zip.close();
            return reject(this.limits.signal.reason);
          }
          if (entry.fileName.endsWith('/') || !/\.json$/i.test(entry.fileName))
            return zip.readEntry();
          if (entry.uncompressedSize > this.limits.maxAdvisoryBytes) {
            this.skip(where, tooLarge(entry.uncompressedSize, this.limits));
            return zip.readEntry();
          }
          zip.openReadStream(entry, (err, stream) => {
            if (err) return fail(err);
            readCapped(stream, this.limits.maxAdvisoryBytes)
              .then((bytes) => {
                if (bytes === undefined)
                  this.skip(where, tooLarge(entry.uncompressedSize, this.limits));
                else this.advisory(bytes, where);
                zip.readEntry();
              })
              .catch(fail);
          });
        });
        zip.readEntry();
      });
    } finally {
      if (zip.isOpen) zip.close();
    }
  }

  private advisory(bytes: Buffer, where: string): void {
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      return this.skip(where, `not JSON: ${messageOf(e)}`);
    }
    try {
      const advisory = parseOsvAdvisory(json);
      this.valid += 1;
      this.db.add(advisory);
    } catch (e) {
      if (!(e instanceof OsvFormatError)) throw e;
      this.skip(where, e.message);
    }
  }

  private skip(where: string, reason: string): void {
    this.db.skipped += 1;
    if (this.db.skippedReasons.length < MAX_REASONS)
      this.db.skippedReasons.push(`${where}: ${reason}`);
  }
}

const tooLarge = (size: number, limits: Limits): string =>
  `${size} bytes, more than the ${limits.maxAdvisoryBytes} allowed for one advisory`;

/** The stream's bytes, or undefined once they pass `max` (the rest is not read). */
async function readCapped(stream: Readable, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) {
      stream.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** Downloads `url` (following a few redirects) into `file`, failing past `maxDownloadBytes`. */
async function download(url: string, file: string, limits: Limits, hops = 0): Promise<void> {
  const shown = redact(url);
  const signals = [AbortSignal.timeout(limits.downloadTimeoutMs)];
  if (limits.signal) signals.push(limits.signal);
  const signal = AbortSignal.any(signals);
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const get = url.toLowerCase().startsWith('https:') ? https.get : http.get;
    get(url, { signal }, resolve).on('error', (e) =>
      reject(new OsvLoadError(`cannot download OSV database ${shown}: ${messageOf(e)}`)),
    );
  });
  const status = response.statusCode ?? 0;
  const location = response.headers.location;
  if (status >= 300 && status < 400 && location) {
    response.resume();
    if (hops >= MAX_REDIRECTS)
      throw new OsvLoadError(`cannot download OSV database ${shown}: too many redirects`);
    return download(new URL(location, url).toString(), file, limits, hops + 1);
  }
  if (status !== 200) {
    response.resume();
    throw new OsvLoadError(`cannot download OSV database ${shown}: HTTP ${status}`);
  }
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxDownloadBytes) {
    response.destroy();
    throw new OsvLoadError(
      `OSV database ${shown} is ${declared} bytes, more than the ${limits.maxDownloadBytes} allowed`,
    );
  }
  let received = 0;
  response.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > limits.maxDownloadBytes)
      response.destroy(
        new OsvLoadError(
          `OSV database ${shown} is larger than the ${limits.maxDownloadBytes} bytes allowed`,
        ),
      );
  });
  await pipeline(response, createWriteStream(file)).catch((e: unknown) => {
    throw e instanceof OsvLoadError
      ? e
      : new OsvLoadError(`cannot download OSV database ${shown}: ${messageOf(e)}`);
  });
}

/** A URL without its user info, query and fragment, which may carry credentials. */
function redact(source: string): string {
  try {
    const u = new URL(source);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return source;
  }
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
