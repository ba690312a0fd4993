import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  parseRfc5424,
  selfSignedCertificate,
  startSyslogListener,
  waitFor,
  type SyslogListener,
  type SyslogMessage,
} from '@berth/platform/testing';
import type { AuditRecord } from './audit-record';
import {
  AuditForwarder,
  ForwardEndpointError,
  parseForwardEndpoint,
  type AuditForwarderOptions,
} from './audit-forwarder';
import { formatSyslogMessage, frameOctetCounted } from './rfc5424';

const HOSTNAME = 'berth-test.example';
let sequence = 0;

function auditRecord(over: Partial<AuditRecord> = {}): AuditRecord {
  sequence += 1;
  return {
    id: sequence,
    eventId: randomUUID(),
    operator: 'alice',
    resource: `library/nginx:${sequence}`,
    resourceType: 'artifact',
    operation: 'pull',
    result: true,
    sourceAddress: '192.0.2.10',
    projectId: 1,
    opTime: new Date(Date.UTC(2026, 2, 4, 5, 6, 7, sequence % 1000)).toISOString(),
    ...over,
  };
}

/** Records that exercise UTF-8 length counting and SD-PARAM escaping. */
function awkwardRecords(): AuditRecord[] {
  return [
    auditRecord({ resource: 'bibliothèque/nginx-漢字:1.27', description: 'pulled by ünïcode' }),
    auditRecord({
      operator: 'robot$ci]"quoted"\\back',
      resource: 'library/a]b"c\\d',
      resourceType: 'robot',
      operation: 'delete',
      result: false,
      sourceAddress: undefined,
      projectId: undefined,
    }),
    auditRecord({ resource: 'emoji/🚢', operation: 'create', projectId: 42 }),
  ];
}

function expectSyslogOf(message: SyslogMessage, record: AuditRecord): void {
  expect(message.version).toBe(1);
  expect(message.facility).toBe(13);
  expect(message.severity).toBe(record.result ? 6 : 4);
  expect(message.timestamp).toBe(record.opTime);
  expect(message.hostname).toBe(HOSTNAME);
  expect(message.appName).toBe('berth');
  expect(message.procId).toBe(String(process.pid));
  expect(message.msgId).toBe('audit');
  const expected: Record<string, string> = {
    eventId: record.eventId,
    operator: record.operator,
    resource: record.resource,
    resourceType: record.resourceType,
    operation: record.operation,
    result: String(record.result),
  };
  if (record.sourceAddress !== undefined) expected.sourceAddress = record.sourceAddress;
  if (record.projectId !== undefined) expected.projectId = String(record.projectId);
  expect(message.structuredData).toEqual({ 'audit@32473': expected });
  expect(message.msg).toContain(
    `${record.operator} ${record.operation} ${record.resourceType} ${record.resource}`,
  );
  expect(message.raw).toContain(' \uFEFF');
}

const eventIds = (messages: SyslogMessage[]): Set<string> =>
  new Set(messages.map((m) => m.structuredData['audit@32473']?.eventId ?? ''));

const cleanups: (() => Promise<unknown>)[] = [];
function track<T extends { close(): Promise<unknown> }>(thing: T): T {
  cleanups.push(() => thing.close());
  return thing;
}
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function forwarderFor(url: string, extra: Partial<AuditForwarderOptions> = {}): AuditForwarder {
  return track(
    new AuditForwarder({
      endpoint: parseForwardEndpoint(url),
      hostname: HOSTNAME,
      timeoutMs: 2000,
      ...extra,
    }),
  );
}

/** A port nothing listens on right now; the listener picks it first, then lets it go. */
async function unusedPort(): Promise<number> {
  const probe = await startSyslogListener({});
  await probe.close();
  return probe.port;
}

// The receiver the forwarder is judged by must itself be strict, or the tests below prove little.
describe('syslog test listener', () => {
  async function rawClient(port: number): Promise<net.Socket> {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    await new Promise((r) => socket.once('connect', r));
    cleanups.push(async () => socket.destroy());
    return socket;
  }

  it('reassembles frames split across and merged within TCP chunks', async () => {
    const listener = track(await startSyslogListener({}));
    const records = awkwardRecords();
    const stream = Buffer.concat(
      records.map((r) => frameOctetCounted(formatSyslogMessage(r, { hostname: HOSTNAME }))),
    );
    const socket = await rawClient(listener.port);
    socket.setNoDelay(true);
    // Byte by byte through the first frame, then the rest in one chunk.
    const firstEnd = stream.indexOf(0x20) + 1 + Number(stream.subarray(0, stream.indexOf(0x20)));
    for (let i = 0; i < firstEnd; i++) {
      socket.write(stream.subarray(i, i + 1));
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    socket.write(stream.subarray(firstEnd));
    const messages = await listener.waitFor(3);
    expect(messages.map((m) => m.structuredData['audit@32473'].resource)).toEqual(
      records.map((r) => r.resource),
    );
    expect(listener.errors).toEqual([]);
  });

  it('records a framing error and closes that connection', async () => {
    const listener = track(await startSyslogListener({}));
    const socket = await rawClient(listener.port);
    const closed = new Promise((r) => socket.once('close', r));
    socket.write('<110>1 - - - - - - no length prefix\n');
    await closed;
    expect(listener.errors).toEqual([expect.stringMatching(/^framing: bad MSG-LEN/)]);
    expect(listener.messages).toEqual([]);
  });

  it.each([
    ['<192>1 - h a p m -', /bad PRI/],
    ['<013>1 - h a p m -', /bad PRI/],
    ['<110>2 - h a p m -', /VERSION/],
    ['<110>1 2026-02-30T00:00:00Z h a p m -', /TIMESTAMP/],
    ['<110>1 2026-01-01T00:00:00.1234567Z h a p m -', /TIMESTAMP/],
    ['<110>1 2026-01-01 h a p m -', /bad HOSTNAME|TIMESTAMP/],
    ['<110>1 - h a p m [x@1 a="b]"]', /unescaped/],
    ['<110>1 - h a p m [x@1 a="b]', /unescaped|unterminated/],
    ['<110>1 - h a p m [custom a="b"]', /IANA/],
    ['<110>1 - h a p m [x@1 a=b]', /not quoted/],
  ])('parseRfc5424 refuses %j', (raw, why) => {
    expect(() => parseRfc5424(raw)).toThrow(why);
  });

  it('parseRfc5424 unescapes PARAM-VALUEs and strips the BOM from MSG', () => {
    const parsed = parseRfc5424(
      '<14>1 2026-01-01T00:00:00+01:00 h a 1 m [x@1 a="q\\"b\\\\s\\]e\\n"][meta n="1"] \uFEFFhi ü',
    );
    expect(parsed).toMatchObject({ facility: 1, severity: 6, hostname: 'h', msg: 'hi ü' });
    expect(parsed.structuredData).toEqual({ 'x@1': { a: 'q"b\\s]e\\n' }, meta: { n: '1' } });
  });
});

describe('parseForwardEndpoint', () => {
  it('reads tcp, tls, http and https endpoints', () => {
    expect(parseForwardEndpoint('tcp://siem.example.com:514')).toEqual({
      kind: 'tcp',
      url: 'tcp://siem.example.com:514',
      host: 'siem.example.com',
      port: 514,
    });
    expect(parseForwardEndpoint('tls://[::1]:6514/')).toEqual({
      kind: 'tls',
      url: 'tls://[::1]:6514',
      host: '::1',
      port: 6514,
    });
    expect(parseForwardEndpoint('https://collector.example/v1/events?tenant=a')).toEqual({
      kind: 'http',
      url: 'https://collector.example/v1/events?tenant=a',
      host: 'collector.example',
      port: 443,
    });
    expect(parseForwardEndpoint('http://127.0.0.1:8088/')).toMatchObject({
      kind: 'http',
      port: 8088,
    });
  });

  it.each([
    ['', 'not a URL'],
    ['siem.example.com:514', 'scheme'],
    ['udp://siem.example.com:514', 'scheme udp'],
    ['tcp://siem.example.com', 'port is required'],
    ['tls://siem.example.com:0', 'out of range'],
    ['tcp://siem.example.com:514/audit', 'path or query'],
    ['tcp://siem.example.com:514?x=1', 'path or query'],
    ['tcp://user:secret@siem.example.com:514', 'credentials'],
    ['https://user:secret@collector.example/', 'credentials'],
  ])('refuses %j', (value, reason) => {
    let error: unknown;
    try {
      parseForwardEndpoint(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ForwardEndpointError);
    expect((error as ForwardEndpointError).code).toBe('INVALID_FORWARD_ENDPOINT');
    expect((error as Error).message).toContain(reason);
    expect((error as Error).message).not.toContain('secret');
  });
});

describe('AuditForwarder over tcp://', () => {
  it('delivers records field by field, in order, over one kept connection', async () => {
    const listener = track(await startSyslogListener({}));
    const forwarder = forwarderFor(`tcp://127.0.0.1:${listener.port}`);
    const first = awkwardRecords();
    const second = [auditRecord(), auditRecord()];

    await forwarder.forward(first);
    await forwarder.forward(second);
    await forwarder.forward([]);

    const messages = await listener.waitFor(5);
    const sent = [...first, ...second];
    messages.forEach((message, i) => expectSyslogOf(message, sent[i]));
    expect(listener.errors).toEqual([]);
    expect(listener.connections).toBe(1);
  });

  it('rejects while the collector is down and delivers once it listens on that port', async () => {
    const port = await unusedPort();
    const forwarder = forwarderFor(`tcp://127.0.0.1:${port}`);
    const batch = [auditRecord(), auditRecord()];

    await expect(forwarder.forward(batch)).rejects.toThrow(/ECONNREFUSED/);

    const listener = track(await startSyslogListener({ port }));
    await forwarder.forward(batch);
    const messages = await listener.waitFor(2);
    expect([...eventIds(messages)]).toEqual(batch.map((r) => r.eventId));
  });

  it('notices a collector that closed the kept connection and reconnects instead of writing into it', async () => {
    const first = track(await startSyslogListener({}));
    const { port } = first;
    const forwarder = forwarderFor(`tcp://127.0.0.1:${port}`);
    await forwarder.forward([auditRecord()]);
    await first.waitFor(1);

    // Restarted before the next batch: the old connection is half-dead, the port answers again.
    await first.close();
    const second = track(await startSyslogListener({ port }));
    const batch = [auditRecord(), auditRecord()];
    await forwarder.forward(batch);

    const messages = await second.waitFor(2);
    expect([...eventIds(messages)]).toEqual(batch.map((r) => r.eventId));
    expect(second.connections).toBe(1);
  });

  it('fails the batch sent while the collector is gone and delivers it on retry', async () => {
    const first = track(await startSyslogListener({}));
    const { port } = first;
    const forwarder = forwarderFor(`tcp://127.0.0.1:${port}`);
    await forwarder.forward([auditRecord()]);
    await first.waitFor(1);

    await first.close();
    const batch = [auditRecord(), auditRecord()];
    await expect(forwarder.forward(batch)).rejects.toThrow(/audit forward to tcp:\/\//);

    const second = track(await startSyslogListener({ port }));
    await forwarder.forward(batch);
    const messages = await second.waitFor(2);
    expect([...eventIds(messages)]).toEqual(batch.map((r) => r.eventId));
  });

  it('never reports a batch as sent that no collector received when the collector restarts mid-stream', async () => {
    const first = track(await startSyslogListener({}));
    const { port } = first;
    const listeners: SyslogListener[] = [first];
    const forwarder = forwarderFor(`tcp://127.0.0.1:${port}`, { timeoutMs: 1000 });
    const batches = Array.from({ length: 60 }, () =>
      Array.from({ length: 5 }, () => auditRecord({ resource: 'bibliothèque/ü' })),
    );
    const acknowledged: AuditRecord[] = [];
    let failures = 0;

    // The caller's contract: a failed batch stays queued and is sent again.
    const sender = (async () => {
      for (const batch of batches) {
        for (;;) {
          try {
            await forwarder.forward(batch);
            acknowledged.push(...batch);
            break;
          } catch {
            failures += 1;
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      }
    })();

    await first.waitFor(50);
    await first.close();
    await new Promise((r) => setTimeout(r, 150));
    listeners.push(track(await startSyslogListener({ port })));
    await sender;

    const sent = batches.flat();
    const lost = (): AuditRecord[] => {
      const received = new Set(listeners.flatMap((l) => [...eventIds(l.messages)]));
      return acknowledged.filter((r) => !received.has(r.eventId));
    };
    // The last batches may still be in flight to the second listener.
    await waitFor(() => lost().length === 0, 2000).catch(() => undefined);
    expect(lost()).toEqual([]);
    expect(acknowledged).toHaveLength(sent.length);
    expect(failures).toBeGreaterThan(0);
    expect(listeners.flatMap((l) => l.errors)).toEqual([]);
  });

  it('rejects every call after close()', async () => {
    const listener = track(await startSyslogListener({}));
    const forwarder = forwarderFor(`tcp://127.0.0.1:${listener.port}`);
    await forwarder.forward([auditRecord()]);
    await forwarder.close();
    await expect(forwarder.forward([auditRecord()])).rejects.toThrow(/closed/);
  });
});

describe('AuditForwarder over tls://', () => {
  let pem: { key: string; cert: string };
  beforeAll(() => {
    pem = selfSignedCertificate();
  });

  it('delivers over TLS when the collector certificate is trusted through ca', async () => {
    const listener = track(await startSyslogListener({ tls: pem }));
    const forwarder = forwarderFor(`tls://127.0.0.1:${listener.port}`, { ca: pem.cert });
    const batch = awkwardRecords();
    await forwarder.forward(batch);
    await forwarder.forward([auditRecord()]);

    const messages = await listener.waitFor(4);
    batch.forEach((record, i) => expectSyslogOf(messages[i], record));
    expect(listener.errors).toEqual([]);
    expect(listener.connections).toBe(1);
  });

  it('refuses a collector whose certificate is not trusted', async () => {
    const listener = track(await startSyslogListener({ tls: pem }));
    const forwarder = forwarderFor(`tls://127.0.0.1:${listener.port}`);
    await expect(forwarder.forward([auditRecord()])).rejects.toThrow(/self[- ]signed/i);
    expect(listener.messages).toEqual([]);
    expect(listener.connections).toBe(0);
  });

  it('times out on a collector that accepts but never completes the handshake', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const sockets = new Set<net.Socket>();
    silent.on('connection', (s) => sockets.add(s));
    cleanups.push(() => {
      sockets.forEach((s) => s.destroy());
      return new Promise((r) => silent.close(r));
    });
    const { port } = silent.address() as net.AddressInfo;
    const forwarder = forwarderFor(`tls://127.0.0.1:${port}`, { ca: pem.cert, timeoutMs: 300 });
    const started = Date.now();
    await expect(forwarder.forward([auditRecord()])).rejects.toThrow(/timed out after 300 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

interface CollectedRequest {
  method?: string;
  url?: string;
  contentType?: string;
  body: string;
}

async function startCollector(
  status: number | 'hang',
  tlsPem?: { key: string; cert: string },
): Promise<{ url: string; requests: CollectedRequest[] }> {
  const requests: CollectedRequest[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      requests.push({
        method: req.method,
        url: req.url,
        contentType: req.headers['content-type'],
        body,
      });
      if (status === 'hang') return;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status >= 300 ? 'collector broke' : '');
    });
  };
  const server = tlsPem ? https.createServer(tlsPem, handler) : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  });
  const { port } = server.address() as net.AddressInfo;
  return { url: `${tlsPem ? 'https' : 'http'}://127.0.0.1:${port}/v1/audit`, requests };
}

function expectCloudEventOf(event: Record<string, unknown>, record: AuditRecord, source: string) {
  // CloudEvents 1.0 required attributes: id, source, specversion, type (non-empty strings).
  expect(event.specversion).toBe('1.0');
  expect(event.id).toBe(record.eventId);
  expect(event.source).toBe(source);
  expect(event.type).toBe(`berth.audit.${record.resourceType}.${record.operation}`);
  expect(event.time).toBe(record.opTime);
  expect(event.datacontenttype).toBe('application/json');
  expect(event.data).toEqual({
    username: record.operator,
    resource: record.resource,
    resource_type: record.resourceType,
    operation: record.operation,
    operation_result: record.result,
    op_time: record.opTime,
    ...(record.sourceAddress === undefined ? {} : { source_address: record.sourceAddress }),
    ...(record.projectId === undefined ? {} : { project_id: record.projectId }),
    ...(record.description === undefined ? {} : { description: record.description }),
  });
}

describe('AuditForwarder over http(s)://', () => {
  let pem: { key: string; cert: string };
  beforeAll(() => {
    pem = selfSignedCertificate();
  });

  it('posts one CloudEvents 1.0 batch per call', async () => {
    const collector = await startCollector(204);
    const forwarder = forwarderFor(collector.url, { source: 'https://berth.example' });
    const batch = awkwardRecords();
    await forwarder.forward(batch);

    expect(collector.requests).toHaveLength(1);
    const [request] = collector.requests;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/v1/audit');
    expect(request.contentType).toMatch(/^application\/cloudevents-batch\+json\b/);
    const events = JSON.parse(request.body) as Record<string, unknown>[];
    expect(events).toHaveLength(batch.length);
    events.forEach((event, i) => expectCloudEventOf(event, batch[i], 'https://berth.example'));
  });

  it('rejects when the collector answers 500, so the batch stays queued', async () => {
    const collector = await startCollector(500);
    const forwarder = forwarderFor(collector.url);
    await expect(forwarder.forward([auditRecord()])).rejects.toThrow(/500 collector broke/);
    expect(collector.requests).toHaveLength(1);
  });

  it('rejects when no collector listens', async () => {
    const forwarder = forwarderFor(`http://127.0.0.1:${await unusedPort()}/`);
    await expect(forwarder.forward([auditRecord()])).rejects.toThrow(/ECONNREFUSED/);
  });

  it('rejects when the collector does not answer within the timeout', async () => {
    const collector = await startCollector('hang');
    const forwarder = forwarderFor(collector.url, { timeoutMs: 300 });
    await expect(forwarder.forward([auditRecord()])).rejects.toThrow(/timed out after 300 ms/);
  });

  it('posts over https to a collector trusted through ca, and refuses it without', async () => {
    const collector = await startCollector(200, pem);
    const batch = [auditRecord()];
    await expect(forwarderFor(collector.url).forward(batch)).rejects.toThrow(/self[- ]signed/i);
    await forwarderFor(collector.url, { ca: pem.cert }).forward(batch);
    expect(collector.requests).toHaveLength(1);
    expectCloudEventOf(
      (JSON.parse(collector.requests[0].body) as Record<string, unknown>[])[0],
      batch[0],
      'berth',
    );
  });
});

afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});
