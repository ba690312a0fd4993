import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';

/** One received RFC 5424 message, split into its fields. */
export interface SyslogMessage {
  raw: string;
  pri: number;
  facility: number;
  severity: number;
  version: number;
  /** RFC 3339 as sent, or '-' */
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  /** SD-ID → PARAM-NAME → unescaped PARAM-VALUE */
  structuredData: Record<string, Record<string, string>>;
  /** MSG without its leading BOM; `raw` keeps the BOM. */
  msg: string;
}

/** SD-IDs without an '@' must be registered with IANA (RFC 5424 §7, §9). */
const IANA_SD_IDS = new Set(['timeQuality', 'origin', 'meta']);
const BOM = '\uFEFF';

/**
 * Strict RFC 5424 parser for tests: throws on anything a conforming sender would not produce
 * (bad PRI, version other than 1, bad timestamp, header fields out of range, bad SD syntax or
 * escaping).
 */
export function parseRfc5424(raw: string): SyslogMessage {
  const head = /^<(0|[1-9][0-9]{0,2})>([0-9]{1,3}) /.exec(raw);
  if (!head) throw new Error(`bad PRI or VERSION: ${JSON.stringify(raw.slice(0, 16))}`);
  const pri = Number(head[1]);
  if (pri > 191) throw new Error(`bad PRI ${pri}`);
  const version = Number(head[2]);
  if (version !== 1) throw new Error(`unsupported VERSION ${head[2]}`);

  let at = head[0].length;
  const field = (name: string, max: number): string => {
    const end = raw.indexOf(' ', at);
    if (end === -1) throw new Error(`missing ${name}`);
    const value = raw.slice(at, end);
    if (value.length < 1 || value.length > max || !/^[\x21-\x7e]+$/.test(value)) {
      throw new Error(`bad ${name}: ${JSON.stringify(value)}`);
    }
    at = end + 1;
    return value;
  };
  const timestamp = field('TIMESTAMP', 64);
  if (timestamp !== '-' && !isRfc3339(timestamp)) throw new Error(`bad TIMESTAMP ${timestamp}`);
  const hostname = field('HOSTNAME', 255);
  const appName = field('APP-NAME', 48);
  const procId = field('PROCID', 128);
  const msgId = field('MSGID', 32);

  const structuredData: Record<string, Record<string, string>> = {};
  if (raw[at] === '-') {
    at++;
  } else if (raw[at] === '[') {
    while (raw[at] === '[') {
      at++;
      const idEnd = indexOfAny(raw, at, ' ]');
      const sdId = raw.slice(at, idEnd);
      if (!isSdName(sdId)) throw new Error(`bad SD-ID ${JSON.stringify(sdId)}`);
      if (!sdId.includes('@') ? !IANA_SD_IDS.has(sdId) : !/^[^@]+@[0-9]+(\.[0-9]+)*$/.test(sdId)) {
        throw new Error(`SD-ID ${sdId} is neither IANA-registered nor name@<enterprise number>`);
      }
      if (sdId in structuredData) throw new Error(`SD-ID ${sdId} appears twice`);
      const params: Record<string, string> = {};
      structuredData[sdId] = params;
      at = idEnd;
      while (raw[at] === ' ') {
        at++;
        const eq = raw.indexOf('=', at);
        const name = eq === -1 ? '' : raw.slice(at, eq);
        if (!isSdName(name)) throw new Error(`bad PARAM-NAME in ${sdId}`);
        if (raw[eq + 1] !== '"') throw new Error(`PARAM-VALUE of ${name} is not quoted`);
        at = eq + 2;
        let value = '';
        for (;;) {
          const c = raw[at];
          if (c === undefined) throw new Error(`unterminated PARAM-VALUE of ${name}`);
          if (c === '\\' && (raw[at + 1] === '"' || raw[at + 1] === '\\' || raw[at + 1] === ']')) {
            value += raw[at + 1];
            at += 2;
          } else if (c === '"') {
            at++;
            break;
          } else if (c === ']') {
            throw new Error(`unescaped ']' in PARAM-VALUE of ${name}`);
          } else {
            // §6.3.3: a backslash before any other character is kept as is.
            value += c;
            at++;
          }
        }
        // RFC 5424 allows a repeated PARAM-NAME; the last one wins here.
        params[name] = value;
      }
      if (raw[at] !== ']') throw new Error(`SD-ELEMENT ${sdId} is not closed`);
      at++;
    }
  } else {
    throw new Error('missing STRUCTURED-DATA');
  }

  let msg = '';
  if (at < raw.length) {
    if (raw[at] !== ' ') throw new Error('STRUCTURED-DATA not followed by SP');
    msg = raw.slice(at + 1);
    if (msg.startsWith(BOM)) msg = msg.slice(BOM.length);
  }
  return {
    raw,
    pri,
    facility: pri >> 3,
    severity: pri & 7,
    version,
    timestamp,
    hostname,
    appName,
    procId,
    msgId,
    structuredData,
    msg,
  };
}

function isSdName(name: string): boolean {
  return name.length <= 32 && /^[\x21-\x7e]+$/.test(name) && !/[= \]"]/.test(name);
}

function indexOfAny(s: string, from: number, chars: string): number {
  for (let i = from; i < s.length; i++) if (chars.includes(s[i])) return i;
  return s.length;
}

/** RFC 3339 as restricted by RFC 5424 §6.2.3: 'T' and 'Z' upper case, ≤ 6 fraction digits, no leap second. */
function isRfc3339(value: string): boolean {
  const m =
    /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,6})?(Z|[+-]([0-9]{2}):([0-9]{2}))$/.exec(
      value,
    );
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = m[8] === 'Z' || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetOk
  );
}

/** Cuts RFC 6587 §3.4.1 octet-counted frames (`<len> <msg>`) out of a byte stream. */
class OctetCountingDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrame: number) {}

  /** Complete frames so far; throws on a framing error (the stream cannot be resynchronised). */
  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Buffer[] = [];
    for (;;) {
      const sp = this.buffer.indexOf(0x20);
      const prefix = this.buffer
        .subarray(0, sp === -1 ? this.buffer.length : sp)
        .toString('latin1');
      if (prefix !== '' && !/^[1-9][0-9]{0,8}$/.test(prefix)) {
        throw new Error(`bad MSG-LEN ${JSON.stringify(prefix.slice(0, 16))}`);
      }
      if (sp === -1) return frames;
      if (prefix === '') throw new Error('empty MSG-LEN');
      const length = Number(prefix);
      if (length > this.maxFrame) throw new Error(`MSG-LEN ${length} exceeds ${this.maxFrame}`);
      if (this.buffer.length < sp + 1 + length) return frames;
      frames.push(this.buffer.subarray(sp + 1, sp + 1 + length));
      this.buffer = this.buffer.subarray(sp + 1 + length);
    }
  }
}

export interface SyslogListener {
  port: number;
  /** Every message parsed so far, across connections, in arrival order. */
  messages: SyslogMessage[];
  /** Connections accepted so far (for TLS: completed handshakes). */
  connections: number;
  /** Framing, encoding and parse errors; a framing error also closed its connection. */
  errors: string[];
  /** Resolves with the messages once at least `count` arrived; rejects after timeoutMs (default 5000). */
  waitFor(count: number, timeoutMs?: number): Promise<SyslogMessage[]>;
  /** Destroys open connections and stops listening. */
  close(): Promise<void>;
}

export interface SyslogListenerOptions {
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** 0 (default) picks a free port; a fixed port lets a test restart a listener in place. */
  port?: number;
}

/** An RFC 5425/6587 syslog receiver on 127.0.0.1 that parses and keeps what it receives. */
export function startSyslogListener(opts: SyslogListenerOptions = {}): Promise<SyslogListener> {
  const messages: SyslogMessage[] = [];
  const errors: string[] = [];
  const sockets = new Set<net.Socket>();
  const waiters = new Set<() => void>();
  let connections = 0;
  const notify = (): void => waiters.forEach((w) => w());

  const receive = (socket: net.Socket): void => {
    connections++;
    socket.on('error', () => undefined);
    const decoder = new OctetCountingDecoder(1024 * 1024);
    const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    socket.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = decoder.push(chunk);
      } catch (e) {
        errors.push(`framing: ${(e as Error).message}`);
        socket.destroy();
        notify();
        return;
      }
      for (const frame of frames) {
        try {
          messages.push(parseRfc5424(utf8.decode(frame)));
        } catch (e) {
          errors.push(`message: ${(e as Error).message}`);
        }
      }
      if (frames.length > 0) notify();
    });
  };

  const server: net.Server = opts.tls
    ? tls.createServer({ key: opts.tls.key, cert: opts.tls.cert }, receive)
    : net.createServer(receive);
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // Resets from a forwarder that gave up are expected; the client side reports them.
    socket.on('error', () => undefined);
  });
  // A client that refuses our certificate aborts the handshake; the client side reports it.
  server.on('tlsClientError', () => undefined);

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        messages,
        errors,
        get connections() {
          return connections;
        },
        waitFor(count, timeoutMs = 5000) {
          return new Promise((done, fail) => {
            const check = (): void => {
              if (messages.length < count) return;
              cleanup();
              done(messages.slice());
            };
            const timer = setTimeout(() => {
              cleanup();
              const why = errors.length > 0 ? `; errors: ${errors.join('; ')}` : '';
              fail(
                new Error(`${messages.length}/${count} syslog messages in ${timeoutMs} ms${why}`),
              );
            }, timeoutMs);
            const cleanup = (): void => {
              clearTimeout(timer);
              waiters.delete(check);
            };
            waiters.add(check);
            check();
          });
        },
        close() {
          for (const socket of sockets) socket.destroy();
          return new Promise<void>((done) => server.close(() => done()));
        },
      });
    });
  });
}

/**
 * A throw-away EC certificate for CN=localhost with SANs 127.0.0.1 and localhost, valid one day.
 * The key never outlives the call on disk.
 */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cert-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync(
      '/usr/bin/openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 },
    );
    return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
