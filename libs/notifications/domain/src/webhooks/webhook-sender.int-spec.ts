import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '@berth/platform/testing';
import type { Resolver } from './target-guard';
import { WebhookSender, type WebhookRequest } from './webhook-sender';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A loopback receiver whose routes cover what webhook targets do in the wild. */
class Receiver {
  readonly received: Received[] = [];
  connections = 0;
  private readonly hanging: http.ServerResponse[] = [];

  constructor(readonly server: http.Server | https.Server) {
    server.on('connection', () => this.connections++);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        this.route(req.url ?? '/', res);
      });
    });
  }

  get base(): string {
    const { port } = this.server.address() as AddressInfo;
    return `${this.server instanceof https.Server ? 'https' : 'http'}://127.0.0.1:${port}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  redirectTo?: string;

  private route(url: string, res: http.ServerResponse): void {
    const [route] = url.split('?');
    switch (route) {
      case '/ok':
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('accepted');
        return;
      case '/fail':
        res.writeHead(500).end('boom');
        return;
      case '/big':
        res.writeHead(200).end('x'.repeat(64 * 1024));
        return;
      case '/hang':
        this.hanging.push(res);
        return;
      case '/slow-body':
        res.writeHead(200).write('partial');
        this.hanging.push(res);
        return;
      case '/redirect-307':
        res.writeHead(307, { Location: '/ok?from=307' }).end();
        return;
      case '/redirect-308':
        res.writeHead(308, { Location: '/redirect-307' }).end();
        return;
      case '/redirect-302':
        res.writeHead(302, { Location: '/ok' }).end();
        return;
      case '/redirect-303':
        res.writeHead(303, { Location: '/ok' }).end();
        return;
      case '/redirect-loop':
        res.writeHead(307, { Location: '/redirect-loop' }).end();
        return;
      case '/redirect-file':
        res.writeHead(307, { Location: 'file:///etc/passwd' }).end();
        return;
      case '/redirect-userinfo':
        res.writeHead(307, { Location: `http://admin:secret@127.0.0.1:${this.port}/ok` }).end();
        return;
      case '/redirect-elsewhere':
        res.writeHead(307, { Location: this.redirectTo ?? '/ok' }).end();
        return;
      default:
        res.writeHead(404).end();
    }
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  reset(): void {
    this.received.length = 0;
    this.connections = 0;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function request(url: string, extra: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    url,
    body: '{"type":"PUSH_ARTIFACT"}',
    contentType: 'application/json',
    timeoutMs: 5_000,
    allowPrivate: true,
    ...extra,
  };
}

describe('WebhookSender over loopback HTTP', () => {
  let receiver: Receiver;
  let other: Receiver;
  let sender: WebhookSender;

  beforeAll(async () => {
    receiver = await new Receiver(http.createServer()).listen();
    other = await new Receiver(http.createServer()).listen();
    sender = new WebhookSender();
  });
  afterAll(async () => {
    sender.close();
    await receiver.close();
    await other.close();
  });
  beforeEach(() => {
    receiver.reset();
    other.reset();
  });

  it('delivers the body and headers as given and reports a 2xx as ok', async () => {
    const result = await sender.send(
      request(`${receiver.base}/ok?policy=1`, {
        headers: { 'X-Harbor-Event-Id': 'evt-1' },
        authHeader: 'Bearer s3cret',
      }),
    );
    expect(result).toMatchObject({
      ok: true,
      status: 200,
      responseBody: 'accepted',
      finalUrl: `${receiver.base}/ok?policy=1`,
      address: '127.0.0.1',
    });
    expect(result.error).toBeUndefined();
    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    expect(got).toMatchObject({
      method: 'POST',
      url: '/ok?policy=1',
      body: '{"type":"PUSH_ARTIFACT"}',
    });
    expect(got.headers).toMatchObject({
      'content-type': 'application/json',
      'content-length': '24',
      'x-harbor-event-id': 'evt-1',
      authorization: 'Bearer s3cret',
      host: `127.0.0.1:${receiver.port}`,
    });
  });

  it('reports a 500 as not ok, with its status and body', async () => {
    const result = await sender.send(request(`${receiver.base}/fail`));
    expect(result).toMatchObject({
      ok: false,
      status: 500,
      error: 'HTTP 500',
      responseBody: 'boom',
    });
  });

  it('gives up on a receiver that never answers within the timeout', async () => {
    const started = Date.now();
    const result = await sender.send(request(`${receiver.base}/hang`, { timeoutMs: 300 }));
    const elapsed = Date.now() - started;
    expect(result).toMatchObject({ ok: false, error: 'timed out after 300 ms' });
    expect(result.status).toBeUndefined();
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_300);
    expect(result.durationMs).toBeLessThan(1_300);
  });

  it('gives up on a body that never ends within the timeout', async () => {
    const started = Date.now();
    const result = await sender.send(request(`${receiver.base}/slow-body`, { timeoutMs: 300 }));
    expect(result).toMatchObject({ ok: false, error: 'timed out after 300 ms' });
    expect(Date.now() - started).toBeLessThan(1_300);
  });

  it('keeps 1 KiB of a long response and still reuses the connection', async () => {
    const fresh = new WebhookSender();
    try {
      const first = await fresh.send(request(`${receiver.base}/big`));
      expect(first.ok).toBe(true);
      expect(first.responseBody).toBe('x'.repeat(1024));
      const second = await fresh.send(request(`${receiver.base}/ok`));
      expect(second.ok).toBe(true);
      expect(receiver.connections).toBe(1);
    } finally {
      fresh.close();
    }
  });

  it('reuses one connection for repeated deliveries to the same receiver', async () => {
    const fresh = new WebhookSender();
    try {
      for (let i = 0; i < 3; i++)
        expect((await fresh.send(request(`${receiver.base}/ok`))).ok).toBe(true);
      expect(receiver.received).toHaveLength(3);
      expect(receiver.connections).toBe(1);
    } finally {
      fresh.close();
    }
  });

  it('follows 307 and 308 with the same method and body', async () => {
    const result = await sender.send(request(`${receiver.base}/redirect-308`));
    expect(result).toMatchObject({
      ok: true,
      status: 200,
      finalUrl: `${receiver.base}/ok?from=307`,
    });
    expect(receiver.received.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', '/redirect-308', '{"type":"PUSH_ARTIFACT"}'],
      ['POST', '/redirect-307', '{"type":"PUSH_ARTIFACT"}'],
      ['POST', '/ok?from=307', '{"type":"PUSH_ARTIFACT"}'],
    ]);
  });

  it.each([302, 303])('does not follow %i, which would change the method', async (status) => {
    const result = await sender.send(request(`${receiver.base}/redirect-${status}`));
    expect(result).toMatchObject({
      ok: false,
      status,
      error: `redirected (${status}) to ${receiver.base}/ok; not followed`,
      finalUrl: `${receiver.base}/redirect-${status}`,
    });
    expect(receiver.received).toHaveLength(1);
  });

  it('stops after maxRedirects', async () => {
    const result = await sender.send(
      request(`${receiver.base}/redirect-loop`, { maxRedirects: 2 }),
    );
    expect(result).toMatchObject({
      ok: false,
      status: 307,
      error: 'too many redirects (more than 2)',
    });
    expect(receiver.received).toHaveLength(3);
  });

  it('re-checks every hop and refuses a redirect the guard rejects', async () => {
    const toFile = await sender.send(request(`${receiver.base}/redirect-file`));
    expect(toFile).toMatchObject({ ok: false, finalUrl: 'file:///etc/passwd' });
    expect(toFile.error).toMatch(/^redirect to file:\/\/\/etc\/passwd refused: scheme "file:"/);
    const toUserinfo = await sender.send(request(`${receiver.base}/redirect-userinfo`));
    expect(toUserinfo.error).toMatch(/refused: credentials in the URL/);
    expect(receiver.received.map((r) => r.url)).toEqual(['/redirect-file', '/redirect-userinfo']);
  });

  it('keeps the Authorization header on the same origin only', async () => {
    receiver.redirectTo = `${other.base}/ok`;
    const result = await sender.send(
      request(`${receiver.base}/redirect-elsewhere`, { authHeader: 'Bearer s3cret' }),
    );
    expect(result).toMatchObject({ ok: true, finalUrl: `${other.base}/ok` });
    expect(receiver.received[0].headers.authorization).toBe('Bearer s3cret');
    expect(other.received).toHaveLength(1);
    expect(other.received[0].headers.authorization).toBeUndefined();
    expect(other.received[0].body).toBe('{"type":"PUSH_ARTIFACT"}');
  });

  it('refuses a loopback target unless private targets are allowed, without connecting', async () => {
    const result = await sender.send(request(`${receiver.base}/ok`, { allowPrivate: false }));
    expect(result).toMatchObject({ ok: false, finalUrl: `${receiver.base}/ok` });
    expect(result.error).toMatch(
      /^target refused: 127\.0\.0\.1 is not allowed \(loopback address\)/,
    );
    expect(result.address).toBeUndefined();
    expect(receiver.received).toHaveLength(0);
    expect(receiver.connections).toBe(0);
  });

  it('connects to the address it checked, not to what the name resolves to later', async () => {
    const answers = ['127.0.0.1', '127.0.0.2'];
    let lookups = 0;
    const rebinding: Resolver = async () => {
      lookups++;
      return [{ address: answers.shift() ?? '127.0.0.2', family: 4 }];
    };
    const pinned = new WebhookSender({ resolve: rebinding });
    try {
      const first = await pinned.send(request(`http://hooks.example.test:${receiver.port}/ok`));
      expect(first).toMatchObject({ ok: true, address: '127.0.0.1' });
      expect(lookups).toBe(1);
      expect(receiver.received[0].headers.host).toBe(`hooks.example.test:${receiver.port}`);

      // The name now points at 127.0.0.2, where nothing listens: the pooled socket must not be used.
      const second = await pinned.send(request(`http://hooks.example.test:${receiver.port}/ok`));
      expect(second).toMatchObject({ ok: false, address: '127.0.0.2' });
      expect(second.error).toMatch(/ECONNREFUSED 127\.0\.0\.2/);
      expect(receiver.received).toHaveLength(1);
    } finally {
      pinned.close();
    }
  });

  it('reports a name that does not resolve', async () => {
    const nowhere: Resolver = async () => {
      throw new Error('getaddrinfo ENOTFOUND nowhere.example.test');
    };
    const s = new WebhookSender({ resolve: nowhere });
    const result = await s.send(request('http://nowhere.example.test/ok'));
    s.close();
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/could not resolve/) });
  });

  it('reports a refused connection as a failed delivery', async () => {
    const closed = await new Receiver(http.createServer()).listen();
    const url = `${closed.base}/ok`;
    await closed.close();
    const result = await sender.send(request(url));
    expect(result).toMatchObject({ ok: false, address: '127.0.0.1' });
    expect(result.error).toMatch(/ECONNREFUSED/);
  });
});

describe('WebhookSender over loopback HTTPS', () => {
  let cert: string;
  let receiver: Receiver;
  let sender: WebhookSender;

  beforeAll(async () => {
    const pair = selfSignedCertificate();
    cert = pair.cert;
    const key = pair.key;
    receiver = await new Receiver(https.createServer({ key, cert })).listen();
    sender = new WebhookSender({ resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
  });
  afterAll(async () => {
    sender.close();
    await receiver.close();
  });
  beforeEach(() => receiver.reset());

  it('refuses a certificate it cannot verify', async () => {
    const result = await sender.send(request(`${receiver.base}/ok`));
    expect(result).toMatchObject({ ok: false, address: '127.0.0.1' });
    expect(result.error).toMatch(/self[- ]signed certificate/);
    expect(receiver.received).toHaveLength(0);
  });

  it('delivers when told to skip verification', async () => {
    const result = await sender.send(request(`${receiver.base}/ok`, { skipCertVerify: true }));
    expect(result).toMatchObject({ ok: true, status: 200, responseBody: 'accepted' });
  });

  it('verifies against an extra CA, by IP and by name with the name as server name', async () => {
    const byIp = await sender.send(request(`${receiver.base}/ok`, { ca: cert }));
    expect(byIp).toMatchObject({ ok: true, status: 200 });
    const byName = await sender.send(
      request(`https://localhost:${receiver.port}/ok`, { ca: cert }),
    );
    expect(byName).toMatchObject({ ok: true, status: 200, address: '127.0.0.1' });
    expect(receiver.received.at(-1)?.headers.host).toBe(`localhost:${receiver.port}`);
  });

  it('does not let a skip-verify connection serve a verifying delivery', async () => {
    const fresh = new WebhookSender();
    try {
      expect((await fresh.send(request(`${receiver.base}/ok`, { skipCertVerify: true }))).ok).toBe(
        true,
      );
      const strict = await fresh.send(request(`${receiver.base}/ok`));
      expect(strict.ok).toBe(false);
      expect(strict.error).toMatch(/certificate/);
    } finally {
      fresh.close();
    }
  });
});
