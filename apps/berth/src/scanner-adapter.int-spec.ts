import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OCI_MANIFEST,
  RegistryHttp,
  gzipLayerOf,
  harborApi,
  pushImage as pushOciImage,
  startBerth,
  waitFor,
  type RegistryInstance,
} from '@berth/platform/testing';

const REPORT_MIME = 'application/vnd.security.vulnerability.report; version=1.1';
const HARBOR_MIME = 'application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0';
const SCAN_REQUEST_MIME = 'application/vnd.scanner.adapter.scan.request+json; version=1.1';
const ERROR_MIME = 'application/vnd.scanner.adapter.error+json; version=1.0';

const OS_RELEASE = 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n';
const DPKG_STATUS = [
  'Package: libssl3',
  'Status: install ok installed',
  'Architecture: amd64',
  'Source: openssl',
  'Version: 3.0.9-1',
  '',
].join('\n');

/** Debian 12's openssl below 3.0.11-1~deb12u2, CVSS 9.8 (Critical). */
const ADVISORY = {
  schema_version: '1.6.0',
  id: 'DSA-9998-1',
  aliases: ['CVE-2099-0042'],
  modified: '2099-01-02T03:04:05Z',
  published: '2099-01-01T00:00:00Z',
  summary: 'openssl - security update',
  details: 'A made-up flaw for the adapter test.',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
  affected: [
    {
      package: { ecosystem: 'Debian:12', name: 'openssl' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }] }],
    },
  ],
};

const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/**
 * Berth's scanner as a Pluggable Scanner API adapter and Berth driving one: Berth A serves the
 * adapter API with the vulnerability database; Berth B, with none, registers A as an external
 * scanner for a project, and A's report (A having pulled the image from B through B's
 * vulnerability gate) becomes B's. A's adapter API is also exercised directly.
 */
describe('scanner adapter API (two all-in-one Berths)', () => {
  let a: RegistryInstance;
  let b: RegistryInstance;
  let osvDir: string;
  const password = 'Adapter-spec-1';
  const ADMIN = basic('admin', password);
  const TOKEN = crypto.randomBytes(24).toString('base64url');

  const api = (
    berth: RegistryInstance,
    method: string,
    p: string,
    opts: { auth?: string; body?: unknown } = {},
  ): Promise<Response> => harborApi(() => berth.apiUrl ?? berth.url)(method, p, opts);

  async function adapter(
    p: string,
    init: { method?: string; auth?: string; body?: string; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    return fetch(`${a.url}/api/v1${p}`, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        ...(init.auth !== undefined ? { authorization: init.auth } : {}),
        ...(init.body !== undefined ? { 'content-type': SCAN_REQUEST_MIME } : {}),
        ...init.headers,
      },
      body: init.body,
    });
  }

  const pushImage = async (berth: RegistryInstance, repo: string, tag: string): Promise<string> =>
    (
      await pushOciImage(new RegistryHttp(berth), repo, tag, [
        { data: gzipLayerOf({ 'etc/os-release': OS_RELEASE, 'var/lib/dpkg/status': DPKG_STATUS }) },
      ])
    ).digest;

  beforeAll(async () => {
    osvDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-osv-adapter-'));
    fs.mkdirSync(path.join(osvDir, 'Debian'));
    fs.writeFileSync(path.join(osvDir, 'Debian', 'DSA-9998-1.json'), JSON.stringify(ADVISORY));
    [a, b] = await Promise.all([
      startBerth('all-in-one', {
        password,
        env: { BERTH_SCANNER_DB: osvDir, BERTH_SCANNER_ADAPTER_TOKEN: TOKEN },
      }),
      // B has no vulnerability database: whatever it finds, A found.
      startBerth('all-in-one', { password, env: { BERTH_WEBHOOK_ALLOW_PRIVATE: 'true' } }),
    ]);
    // A has loaded its database once the metadata names its update time.
    await waitFor(
      async () => {
        const res = await adapter('/metadata', { auth: `Bearer ${TOKEN}` });
        const body = (await res.json()) as { properties?: Record<string, string> };
        return (
          body.properties?.['harbor.scanner-adapter/vulnerability-database-updated-at'] !==
          undefined
        );
      },
      60_000,
      250,
    );
  }, 240_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    if (osvDir) fs.rmSync(osvDir, { recursive: true, force: true });
  });

  it('serves its metadata to a caller with the token', async () => {
    const res = await adapter('/metadata', { auth: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain(
      'application/vnd.scanner.adapter.metadata+json',
    );
    const body = (await res.json()) as {
      scanner: { name: string };
      capabilities: Array<{ consumes_mime_types: string[]; produces_mime_types: string[] }>;
      properties: Record<string, string>;
    };
    expect(body.scanner.name).toBe('Berth');
    expect(body.capabilities[0].consumes_mime_types).toContain(OCI_MANIFEST);
    expect(body.capabilities[0].produces_mime_types).toEqual(
      expect.arrayContaining([REPORT_MIME, HARBOR_MIME]),
    );
    expect(body.properties['harbor.scanner-adapter/vulnerability-database-updated-at']).toBe(
      '2099-01-02T03:04:05Z',
    );
  });

  it('refuses callers without the token, and is off where no token is configured', async () => {
    for (const auth of [undefined, `Bearer ${TOKEN}x`, basic('admin', password)]) {
      const res = await adapter('/metadata', { auth });
      expect(res.status, String(auth)).toBe(401);
      expect(res.headers.get('content-type')).toBe(ERROR_MIME);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/token/);
    }
    const viaKey = await adapter('/metadata', { headers: { 'x-scanneradapter-api-key': TOKEN } });
    expect(viaKey.status).toBe(200);
    const off = await fetch(`${b.url}/api/v1/metadata`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(off.status).toBe(404);
  });

  it('answers an unknown scan id with 404 and bad scan requests with the error body', async () => {
    const unknown = await adapter(`/scan/${crypto.randomUUID()}/report`, {
      auth: `Bearer ${TOKEN}`,
    });
    expect(unknown.status).toBe(404);

    const notJson = await adapter('/scan', {
      method: 'POST',
      auth: `Bearer ${TOKEN}`,
      body: '{"registry":',
    });
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get('content-type')).toBe(ERROR_MIME);
    expect(await notJson.json()).toEqual({ error: { message: expect.stringMatching(/JSON/) } });

    const noArtifact = await adapter('/scan', {
      method: 'POST',
      auth: `Bearer ${TOKEN}`,
      body: JSON.stringify({ registry: { url: b.url } }),
    });
    expect(noArtifact.status).toBe(400);
    expect(await noArtifact.json()).toEqual({ error: { message: 'artifact must be an object' } });

    const artifact = {
      repository: 'shop/app',
      digest: `sha256:${'0'.repeat(64)}`,
      mime_type: OCI_MANIFEST,
    };
    for (const url of ['ftp://127.0.0.1/', `http://user:pw@${b.registryHost}`]) {
      const res = await adapter('/scan', {
        method: 'POST',
        auth: `Bearer ${TOKEN}`,
        body: JSON.stringify({ registry: { url }, artifact }),
      });
      expect(res.status, url).toBe(422);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /registry\.url/,
      );
    }
  });

  it('scans an image of B for B: registered in B as its project’s scanner, A pulls through B’s gate', async () => {
    // The project refuses pulls of unscanned images: A's pull passes only as the scanner's.
    expect(
      (
        await api(b, 'POST', '/projects', {
          auth: ADMIN,
          body: {
            project_name: 'shop',
            metadata: { auto_scan: 'false', prevent_vul: 'true', severity: 'critical' },
          },
        })
      ).status,
    ).toBe(201);

    const settings = { name: 'berth-a', url: a.url, auth: 'Bearer', access_credential: TOKEN };
    expect((await api(b, 'POST', '/scanners/ping', { auth: ADMIN, body: settings })).status).toBe(
      200,
    );
    const wrongToken = await api(b, 'POST', '/scanners/ping', {
      auth: ADMIN,
      body: { ...settings, access_credential: 'not-the-token' },
    });
    expect(wrongToken.status).toBe(400);
    expect(await wrongToken.text()).toMatch(/401/);

    const created = await api(b, 'POST', '/scanners', {
      auth: ADMIN,
      body: { ...settings, description: 'Berth A as an adapter' },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const location = created.headers.get('location') ?? '';
    expect(location).toMatch(/^\/api\/v2\.0\/scanners\/[0-9a-f-]{36}$/);
    const uuid = location.split('/').pop()!;

    const listed = (await (await api(b, 'GET', '/scanners', { auth: ADMIN })).json()) as Array<{
      uuid: string;
      name: string;
      is_default: boolean;
      access_credential: string;
    }>;
    expect(listed.map((r) => [r.name, r.is_default])).toEqual([
      ['Berth', true],
      ['berth-a', false],
    ]);
    // The credential goes to the adapter, never back to a caller.
    expect(JSON.stringify(listed)).not.toContain(TOKEN);

    const metadata = await api(b, 'GET', `/scanners/${uuid}/metadata`, { auth: ADMIN });
    expect(metadata.status).toBe(200);
    expect(((await metadata.json()) as { scanner: { name: string } }).scanner.name).toBe('Berth');

    const candidates = (await (
      await api(b, 'GET', '/projects/shop/scanner/candidates', { auth: ADMIN })
    ).json()) as Array<{ uuid: string }>;
    expect(candidates.map((c) => c.uuid)).toContain(uuid);
    expect(
      (await api(b, 'PUT', '/projects/shop/scanner', { auth: ADMIN, body: { uuid } })).status,
    ).toBe(200);
    const chosen = (await (
      await api(b, 'GET', '/projects/shop/scanner', { auth: ADMIN })
    ).json()) as { uuid: string };
    expect(chosen.uuid).toBe(uuid);

    const digest = await pushImage(b, 'shop/app', 'v1');
    expect(
      (await api(b, 'POST', '/projects/shop/repositories/app/artifacts/v1/scan', { auth: ADMIN }))
        .status,
    ).toBe(202);

    let overview: { scan_status: string; severity: string; report_id: string } | undefined;
    await waitFor(
      async () => {
        const res = await api(
          b,
          'GET',
          '/projects/shop/repositories/app/artifacts/v1?with_scan_overview=true',
          {
            auth: ADMIN,
          },
        );
        const body = (await res.json()) as { scan_overview?: Record<string, typeof overview> };
        overview = body.scan_overview?.[REPORT_MIME];
        return (
          overview !== undefined && ['Success', 'Error', 'Stopped'].includes(overview.scan_status)
        );
      },
      90_000,
      250,
    );
    if (overview?.scan_status !== 'Success') {
      const log = await api(
        b,
        'GET',
        `/projects/shop/repositories/app/artifacts/v1/scan/${overview?.report_id}/log`,
        { auth: ADMIN },
      );
      expect.fail(`the scan ended ${overview?.scan_status}: ${await log.text()}`);
    }
    expect(overview.severity).toBe('Critical');

    const res = await api(
      b,
      'GET',
      `/projects/shop/repositories/app/artifacts/${digest}/additions/vulnerabilities`,
      {
        auth: ADMIN,
      },
    );
    expect(res.status).toBe(200);
    const report = (await res.json()) as Record<
      string,
      { vulnerabilities: Array<Record<string, unknown>> }
    >;
    expect(Object.values(report)[0].vulnerabilities).toEqual([
      expect.objectContaining({
        id: 'CVE-2099-0042',
        package: 'libssl3',
        version: '3.0.9-1',
        fix_version: '3.0.11-1~deb12u2',
        severity: 'Critical',
      }),
    ]);

    // The gate is on here: now that the image is known Critical, an ordinary pull is refused.
    const pull = await new RegistryHttp(b).fetch(
      `/v2/shop/app/manifests/${digest}`,
      'repository:shop/app:pull',
      {
        headers: { accept: OCI_MANIFEST },
      },
    );
    expect(pull.status).toBe(412);

    // The scan robot lived for the scan only.
    const robots = (await (await api(b, 'GET', '/robots', { auth: ADMIN })).json()) as Array<{
      name: string;
    }>;
    expect(robots.filter((r) => r.name.includes('berth-scanner-'))).toEqual([]);
  }, 180_000);
});
