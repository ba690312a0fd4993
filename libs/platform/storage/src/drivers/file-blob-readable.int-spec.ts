import * as crypto from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBlobReadable } from './file-blob-readable';

// Blob files sent to real HTTP responses on loopback: the recycled-buffer path must deliver
// exactly the bytes asked for, release the file when the client goes away, and report a file
// that shrank under it instead of sending a short body as if it were whole.
const SIZE = 5 * 1024 * 1024 + 12_345;
let dir: string;
let file: string;
let content: Buffer;
let server: http.Server;
let base: string;
const openHandles = new Set<fs.FileHandle>();
const streamErrors: Error[] = [];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-file-readable-'));
  file = path.join(dir, 'blob');
  content = crypto.randomBytes(SIZE);
  await fs.writeFile(file, content);
  server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const start = Number(url.searchParams.get('start') ?? 0);
      const length = Number(url.searchParams.get('length') ?? SIZE - start);
      const handle = await fs.open(url.searchParams.get('file') ?? file, 'r');
      openHandles.add(handle);
      const close = handle.close.bind(handle);
      handle.close = () => {
        openHandles.delete(handle);
        return close();
      };
      const body = new FileBlobReadable(handle, start, length);
      body.on('error', (e) => {
        streamErrors.push(e);
        res.destroy();
      });
      res.on('close', () => {
        if (!body.readableEnded) body.destroy();
      });
      res.writeHead(200, { 'content-length': String(length) });
      body.pipe(res);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await fs.rm(dir, { recursive: true, force: true });
});

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('FileBlobReadable sent to an HTTP response', () => {
  it('sends the whole file, byte for byte, and closes it', async () => {
    const res = await fetch(`${base}/`);
    expect(Buffer.from(await res.arrayBuffer()).equals(content)).toBe(true);
    await waitFor(() => openHandles.size === 0);
  });

  it('sends a range that starts and ends inside pump buffers', async () => {
    const start = 1024 * 1024 - 7;
    const length = 3 * 1024 * 1024 + 11;
    const res = await fetch(`${base}/?start=${start}&length=${length}`);
    const got = Buffer.from(await res.arrayBuffer());
    expect(got.equals(content.subarray(start, start + length))).toBe(true);
  });

  it('sends an empty body for a zero-length blob', async () => {
    const res = await fetch(`${base}/?start=0&length=0`);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    await waitFor(() => openHandles.size === 0);
  });

  it('many concurrent downloads each get their own bytes', async () => {
    const ranges = Array.from({ length: 12 }, (_, i) => ({
      start: i * 333_333,
      length: 1_500_000,
    }));
    const bodies = await Promise.all(
      ranges.map(async (r) =>
        Buffer.from(
          await (await fetch(`${base}/?start=${r.start}&length=${r.length}`)).arrayBuffer(),
        ),
      ),
    );
    for (const [i, r] of ranges.entries())
      expect(bodies[i].equals(content.subarray(r.start, r.start + r.length))).toBe(true);
  });

  it('closes the file when the client hangs up midway, and keeps serving', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${base}/`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (e) =>
        (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e),
      );
    });
    await waitFor(() => openHandles.size === 0);
    const res = await fetch(`${base}/?start=10&length=100`);
    expect(Buffer.from(await res.arrayBuffer()).equals(content.subarray(10, 110))).toBe(true);
  });

  it('fails the stream when the file is shorter than the size it was opened for', async () => {
    const short = path.join(dir, 'short');
    await fs.writeFile(short, content.subarray(0, 1000));
    streamErrors.length = 0;
    const received = await new Promise<number>((resolve) => {
      let bytes = 0;
      http
        .get(`${base}/?file=${encodeURIComponent(short)}&start=0&length=5000`, (res) => {
          res.on('data', (d: Buffer) => (bytes += d.length));
          res.on('close', () => resolve(bytes));
        })
        .on('error', () => resolve(bytes));
    });
    expect(received).toBeLessThan(5000);
    expect(streamErrors.map((e) => e.message)).toEqual([
      'blob file ended before its recorded size',
    ]);
    await waitFor(() => openHandles.size === 0);
  });
});
