import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OCI_INDEX,
  OCI_MANIFEST,
  RegistryHttp,
  startBerth,
  startHttpReceiver,
  gzipLayerOf,
  harborApi,
  pushImage as pushOciImage,
  pushManifest,
  waitFor,
  workspaceRoot,
  type HttpReceiver,
  type RegistryInstance,
} from '@berth/platform/testing';

const REPORT_MIME = 'application/vnd.security.vulnerability.report; version=1.1';
const ADAPTER_MIME = 'application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0';

const OS_RELEASE = 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n';
/** libssl3 (source openssl) and libexpat1 (source expat) at the given versions. */
const dpkgStatus = (opensslVersion: string, expatVersion = '2.5.0-1+deb12u1'): string =>
  [
    'Package: libssl3',
    'Status: install ok installed',
    'Architecture: amd64',
    'Source: openssl',
    `Version: ${opensslVersion}`,
    '',
    'Package: libexpat1',
    'Status: install ok installed',
    'Architecture: amd64',
    'Source: expat',
    `Version: ${expatVersion}`,
    '',
    'Package: base-files',
    'Status: install ok installed',
    'Architecture: amd64',
    'Version: 12.4+deb12u5',
    '',
  ].join('\n');
const FIXED = ['3.0.11-1~deb12u2', '2.5.0-1+deb12u2'] as const;

/** The curated OSV records (DEBIAN-CVE-2024-8176: expat fixed in 2.5.0-1+deb12u2, no vector). */
const CURATED = path.join(workspaceRoot, 'libs/scanning/domain/src/osv/testing/advisories');

/** A made-up advisory of Debian 12's openssl, fixed in 3.0.11-1~deb12u2, CVSS 9.8 (Critical). */
const ADVISORY = {
  schema_version: '1.6.0',
  id: 'DSA-9999-1',
  aliases: ['CVE-2099-0001'],
  modified: '2099-01-02T03:04:05Z',
  published: '2099-01-01T00:00:00Z',
  summary: 'openssl - security update',
  details: 'A made-up flaw for the scanner test.',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
  affected: [
    {
      package: { ecosystem: 'Debian:12', name: 'openssl' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }] }],
    },
  ],
  references: [{ type: 'ADVISORY', url: 'https://security.example/DSA-9999-1' }],
};

interface Overview {
  report_id: string;
  scan_status: string;
  severity: string;
  summary: { total: number; fixable: number; summary: Record<string, number> } | null;
  scanner: { name: string; vendor: string; version: string };
}

/**
 * The built-in scanner end to end in the all-in-one process: scan on push, on demand, an index,
 * a corrupt layer, scan overviews, the vulnerability addition and who may do what.
 */
describe('scanning (all-in-one)', () => {
  let berth: RegistryInstance;
  let registry: RegistryHttp;
  let osvDir: string;
  let receiver: HttpReceiver;
  const password = 'Scanning-spec-1';
  const devPassword = 'Scanning-dev-1';
  const basic = (user: string, pass: string): string =>
    `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  const ADMIN = basic('admin', password);
  const DEV = basic('scan-dev', devPassword);
  const api = harborApi(() => berth.apiUrl ?? berth.url);
  const putManifest = async (repo: string, ref: string, mediaType: string, body: string) =>
    (await pushManifest(registry, repo, ref, mediaType, body)).digest;
  /** An image whose one layer is `layer`; returns its digest and size. */
  const pushImage = (repo: string, tag: string, layer: Buffer, architecture = 'amd64') =>
    pushOciImage(registry, repo, tag, [{ data: layer }], { architecture });

  async function overviewOf(
    project: string,
    repo: string,
    ref: string,
  ): Promise<Overview | undefined> {
    const res = await api(
      'GET',
      `/projects/${project}/repositories/${repo}/artifacts/${ref}?with_scan_overview=true`,
      { auth: ADMIN },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { scan_overview?: Record<string, Overview> };
    return body.scan_overview?.[REPORT_MIME];
  }

  async function finished(project: string, repo: string, ref: string): Promise<Overview> {
    let last: Overview | undefined;
    await waitFor(
      async () => {
        last = await overviewOf(project, repo, ref);
        return last !== undefined && ['Success', 'Error', 'Stopped'].includes(last.scan_status);
      },
      60_000,
      200,
    );
    return last!;
  }

  beforeAll(async () => {
    osvDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-osv-'));
    fs.cpSync(CURATED, path.join(osvDir, 'curated'), { recursive: true });
    fs.mkdirSync(path.join(osvDir, 'Debian'));
    fs.writeFileSync(path.join(osvDir, 'Debian', 'DSA-9999-1.json'), JSON.stringify(ADVISORY));
    receiver = await startHttpReceiver(() => 200);
    berth = await startBerth('all-in-one', {
      password,
      env: {
        BERTH_SCANNER_DB: osvDir,
        BERTH_SCANNER_CONCURRENCY: '2',
        BERTH_WEBHOOK_ALLOW_PRIVATE: 'true',
      },
    });
    registry = new RegistryHttp(berth);
    for (const [name, meta] of [
      ['scanned', { auto_scan: 'true' }],
      ['manual', { auto_scan: 'false' }],
    ] as const)
      expect(
        (
          await api('POST', '/projects', {
            auth: ADMIN,
            body: { project_name: name, metadata: meta },
          })
        ).status,
      ).toBe(201);
    expect(
      (
        await api('POST', '/users', {
          auth: ADMIN,
          body: {
            username: 'scan-dev',
            email: 'dev@example.test',
            realname: 'Dev',
            password: devPassword,
          },
        })
      ).status,
    ).toBe(201);
    for (const project of ['scanned', 'manual'])
      expect(
        (
          await api('POST', `/projects/${project}/members`, {
            auth: ADMIN,
            body: { role_id: 2, member_user: { username: 'scan-dev' } },
          })
        ).status,
      ).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await berth?.stop();
    await receiver?.close();
    if (osvDir) fs.rmSync(osvDir, { recursive: true, force: true });
  });

  it('scans an image pushed into an auto-scan project and lists the vulnerable package', async () => {
    const layer = gzipLayerOf({
      'etc/os-release': OS_RELEASE,
      'var/lib/dpkg/status': dpkgStatus('3.0.9-1'),
    });
    const { digest } = await pushImage('scanned/app', 'v1', layer);
    const overview = await finished('scanned', 'app', 'v1');
    expect(overview).toMatchObject({
      scan_status: 'Success',
      severity: 'Critical',
      summary: { total: 2, fixable: 2, summary: { Critical: 1, Unknown: 1 } },
      scanner: { name: 'Berth', vendor: 'Berth' },
    });

    const res = await api(
      'GET',
      `/projects/scanned/repositories/app/artifacts/${digest}/additions/vulnerabilities`,
      { auth: DEV, headers: { 'X-Accept-Vulnerabilities': REPORT_MIME } },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<
      string,
      { severity: string; vulnerabilities: unknown[] }
    >;
    expect(Object.keys(body)).toEqual([REPORT_MIME]);
    expect(body[REPORT_MIME].severity).toBe('Critical');
    expect(body[REPORT_MIME].vulnerabilities).toEqual([
      expect.objectContaining({
        id: 'CVE-2099-0001',
        package: 'libssl3',
        version: '3.0.9-1',
        fix_version: '3.0.11-1~deb12u2',
        severity: 'Critical',
        links: expect.arrayContaining(['https://security.example/DSA-9999-1']),
        artifact_digests: [digest],
      }),
      expect.objectContaining({
        id: 'CVE-2024-8176',
        package: 'libexpat1',
        version: '2.5.0-1+deb12u1',
        fix_version: '2.5.0-1+deb12u2',
        severity: 'Unknown',
      }),
    ]);

    // Harbor's default MIME type, when none is asked for.
    const adapter = await api(
      'GET',
      `/projects/scanned/repositories/app/artifacts/v1/additions/vulnerabilities`,
      { auth: ADMIN },
    );
    expect(Object.keys((await adapter.json()) as object)).toEqual([ADAPTER_MIME]);

    const log = await api(
      'GET',
      `/projects/scanned/repositories/app/artifacts/v1/scan/${overview.report_id}/log`,
      { auth: ADMIN },
    );
    expect(log.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await log.text()).toMatch(
      /17 advisories[\s\S]*os debian 12, 1 layers, 3 packages, 2 vulnerabilities/,
    );
  });

  it('finds nothing in an image whose package is already fixed', async () => {
    const layer = gzipLayerOf({
      'etc/os-release': OS_RELEASE,
      'var/lib/dpkg/status': dpkgStatus(...FIXED),
    });
    await pushImage('scanned/fixed', 'v1', layer);
    expect(await finished('scanned', 'fixed', 'v1')).toMatchObject({
      scan_status: 'Success',
      severity: 'None',
      summary: { total: 0, fixable: 0 },
    });
  });

  it('scans each platform of an index and reports their union on the index', async () => {
    const vulnerable = gzipLayerOf({
      'etc/os-release': OS_RELEASE,
      'var/lib/dpkg/status': dpkgStatus('3.0.9-1'),
    });
    const fixed = gzipLayerOf({
      'etc/os-release': OS_RELEASE,
      'var/lib/dpkg/status': dpkgStatus(...FIXED),
    });
    const amd = await pushImage('scanned/multi', 'amd', vulnerable, 'amd64');
    const arm = await pushImage('scanned/multi', 'arm', fixed, 'arm64');
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: amd.digest,
          size: amd.size,
          platform: { os: 'linux', architecture: 'amd64' },
        },
        {
          mediaType: OCI_MANIFEST,
          digest: arm.digest,
          size: arm.size,
          platform: { os: 'linux', architecture: 'arm64' },
        },
      ],
    });
    const indexDigest = await putManifest('scanned/multi', 'v1', OCI_INDEX, index);
    expect(await finished('scanned', 'multi', 'v1')).toMatchObject({
      scan_status: 'Success',
      severity: 'Critical',
      summary: { total: 2 },
    });
    const res = await api(
      'GET',
      `/projects/scanned/repositories/multi/artifacts/${indexDigest}/additions/vulnerabilities`,
      { auth: ADMIN, headers: { 'X-Accept-Vulnerabilities': REPORT_MIME } },
    );
    const report = (
      (await res.json()) as Record<
        string,
        { vulnerabilities: Array<{ artifact_digests: string[] }> }
      >
    )[REPORT_MIME];
    expect(report.vulnerabilities.map((v) => v.artifact_digests)).toEqual([
      [amd.digest],
      [amd.digest],
    ]);
    // The platform manifests carry reports of their own.
    expect((await finished('scanned', 'multi', arm.digest)).severity).toBe('None');
  });

  it('scans on demand, lists overviews, and leaves projects without auto scan unscanned', async () => {
    const layer = gzipLayerOf({
      'etc/os-release': OS_RELEASE,
      'var/lib/dpkg/status': dpkgStatus('3.0.9-1'),
    });
    await pushImage('manual/app', 'v1', layer);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await overviewOf('manual', 'app', 'v1')).toBeUndefined();

    const scan = `/projects/manual/repositories/app/artifacts/v1/scan`;
    expect((await api('POST', scan)).status).toBe(401);
    // Harbor's developers read scan results but do not start scans.
    expect((await api('POST', scan, { auth: DEV })).status).toBe(403);
    expect((await api('POST', scan, { auth: ADMIN, body: { scan_type: 'virus' } })).status).toBe(
      400,
    );
    expect(
      (
        await api('POST', scan, {
          auth: ADMIN,
          body: { scan_type: { scan_type: 'vulnerability' } },
        })
      ).status,
    ).toBe(202);
    expect((await finished('manual', 'app', 'v1')).severity).toBe('Critical');

    const list = await api(
      'GET',
      '/projects/manual/repositories/app/artifacts?with_scan_overview=true',
      { auth: DEV },
    );
    const artifacts = (await list.json()) as Array<{ scan_overview?: Record<string, Overview> }>;
    expect(artifacts[0].scan_overview?.[REPORT_MIME]).toMatchObject({
      scan_status: 'Success',
      severity: 'Critical',
    });
    const plain = (await (
      await api('GET', '/projects/manual/repositories/app/artifacts', { auth: DEV })
    ).json()) as Array<Record<string, unknown>>;
    expect(plain[0].scan_overview).toBeUndefined();
  });

  it('ends a scan of a corrupt layer in Error with the reason, and keeps serving', async () => {
    const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), crypto.randomBytes(512)]);
    await pushImage('scanned/broken', 'v1', corrupt);
    const overview = await finished('scanned', 'broken', 'v1');
    expect(overview.scan_status).toBe('Error');
    const log = await api(
      'GET',
      `/projects/scanned/repositories/broken/artifacts/v1/scan/${overview.report_id}/log`,
      { auth: ADMIN },
    );
    expect(await log.text()).toMatch(/^scan failed: .+/);
    expect(
      (
        await api(
          'GET',
          '/projects/scanned/repositories/broken/artifacts/v1/additions/vulnerabilities',
          { auth: ADMIN },
        )
      ).status,
    ).toBe(404);
    expect((await api('GET', '/ping')).status).toBe(200);
  });

  it('shows the vulnerability database in systeminfo to signed-in users', async () => {
    const info = (await (await api('GET', '/systeminfo', { auth: DEV })).json()) as {
      scanner_db: unknown;
    };
    expect(info.scanner_db).toEqual({
      loaded_at: expect.any(String),
      newest_advisory: '2099-01-02T03:04:05Z',
      advisories: 17,
    });
    const anonymous = (await (await api('GET', '/systeminfo')).json()) as object;
    expect(anonymous).not.toHaveProperty('scanner_db');
  });

  it('scans everything on a manual scan all, for system admins only', async () => {
    const schedule = '/system/scanAll/schedule';
    expect(
      (await api('POST', schedule, { auth: DEV, body: { schedule: { type: 'Manual' } } })).status,
    ).toBe(403);
    expect(
      (await api('POST', schedule, { auth: ADMIN, body: { schedule: { type: 'Manual' } } })).status,
    ).toBe(201);
    let metrics:
      { total: number; completed: number; ongoing: boolean; trigger: string } | undefined;
    await waitFor(
      async () => {
        metrics = (await (
          await api('GET', '/system/scanAll/metrics', { auth: ADMIN })
        ).json()) as typeof metrics;
        return metrics!.total > 0 && !metrics!.ongoing;
      },
      60_000,
      250,
    );
    // Every image and index pushed above: app, fixed, multi (index and two platforms), manual/app, broken.
    expect(metrics).toMatchObject({ total: 7, completed: 7, trigger: 'Manual' });
    expect(
      (await api('PUT', schedule, { auth: ADMIN, body: { schedule: { type: 'Daily' } } })).status,
    ).toBe(200);
    expect(await (await api('GET', schedule, { auth: ADMIN })).json()).toMatchObject({
      schedule: { type: 'Daily', cron: '0 0 0 * * *', next_scheduled_time: expect.any(String) },
    });
  });

  it('announces finished and failed scans to webhooks with the scan overview', async () => {
    expect(
      (
        await api('POST', '/projects/manual/webhook/policies', {
          auth: ADMIN,
          body: {
            name: 'scans',
            enabled: true,
            event_types: ['SCANNING_COMPLETED', 'SCANNING_FAILED'],
            targets: [{ type: 'http', address: `${receiver.url}/scans` }],
          },
        })
      ).status,
    ).toBe(201);
    const vulnerable = gzipLayerOf({
      'etc/os-release': OS_RELEASE,
      'var/lib/dpkg/status': dpkgStatus('3.0.9-1'),
    });
    const { digest } = await pushImage('manual/hooked', 'v1', vulnerable);
    const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), crypto.randomBytes(64)]);
    const broken = await pushImage('manual/hooked', 'broken', corrupt);
    for (const ref of [digest, broken.digest])
      expect(
        (
          await api('POST', `/projects/manual/repositories/hooked/artifacts/${ref}/scan`, {
            auth: ADMIN,
          })
        ).status,
      ).toBe(202);

    type Payload = {
      type: string;
      operator: string;
      event_data: {
        resources: { digest: string; scan_overview: Record<string, Record<string, unknown>> }[];
        repository: { repo_full_name: string };
      };
    };
    const payloads = (): Payload[] =>
      receiver
        .accepted()
        .filter((r) => r.path === '/scans')
        .map((r) => JSON.parse(r.body) as Payload);
    await waitFor(() => payloads().length >= 2, 30_000, 100);
    const byDigest = new Map(payloads().map((p) => [p.event_data.resources[0].digest, p]));

    const completed = byDigest.get(digest);
    expect(completed).toMatchObject({
      type: 'SCANNING_COMPLETED',
      operator: 'admin',
      event_data: { repository: { repo_full_name: 'manual/hooked' } },
    });
    expect(completed?.event_data.resources[0].scan_overview[REPORT_MIME]).toMatchObject({
      scan_status: 'Success',
      severity: 'Critical',
      summary: { total: 2, fixable: 2, summary: { Critical: 1, Unknown: 1 } },
    });
    const failed = byDigest.get(broken.digest);
    expect(failed?.type).toBe('SCANNING_FAILED');
    expect(failed?.event_data.resources[0].scan_overview[REPORT_MIME]).toMatchObject({
      scan_status: 'Error',
    });

    // SBOM generation is announced with Harbor's SBOM overview instead of a scan overview.
    expect(
      (
        await api('POST', `/projects/manual/repositories/hooked/artifacts/${digest}/scan`, {
          auth: ADMIN,
          body: { scan_type: { scan_type: 'sbom' } },
        })
      ).status,
    ).toBe(202);
    await waitFor(() => payloads().length >= 3, 30_000, 100);
    const sbom = payloads().find((p) => 'sbom_overview' in p.event_data.resources[0]);
    expect(sbom).toMatchObject({
      type: 'SCANNING_COMPLETED',
      event_data: {
        resources: [
          { digest, sbom_overview: { scan_status: 'Success', report_id: expect.any(String) } },
        ],
      },
    });
    expect(sbom?.event_data.resources[0]).not.toHaveProperty('scan_overview');
  });

  it('gates pulls of the scanned image by its real report: 412, allowlisted, expired', async () => {
    expect(
      (
        await api('POST', '/projects', {
          auth: ADMIN,
          body: {
            project_name: 'gated',
            metadata: {
              auto_scan: 'true',
              prevent_vul: 'true',
              severity: 'high',
              reuse_sys_cve_allowlist: 'false',
            },
          },
        })
      ).status,
    ).toBe(201);
    const layer = gzipLayerOf({
      'etc/os-release': OS_RELEASE,
      'var/lib/dpkg/status': dpkgStatus('3.0.9-1'),
    });
    await pushImage('gated/app', 'v1', layer);
    expect((await finished('gated', 'app', 'v1')).severity).toBe('Critical');

    const pull = (): Promise<Response> =>
      registry.fetch('/v2/gated/app/manifests/v1', 'repository:gated/app:pull', {
        headers: { accept: OCI_MANIFEST },
      });
    const settles = (status: number): Promise<Response> =>
      waitFor(
        async () => {
          const res = await pull();
          if (res.status === status) return res;
          await res.arrayBuffer();
          return undefined;
        },
        10_000,
        200,
      );
    const refused = await settles(412);
    const body = (await refused.json()) as { errors: { code: string; message: string }[] };
    expect(body.errors[0].code).toBe('PROJECTPOLICYVIOLATION');
    expect(body.errors[0].message).toContain('2 vulnerabilities');
    expect(body.errors[0].message).toContain('"High"');

    // The Critical one allowlisted: the Unknown one left is below the threshold.
    const allow = (expiresAt: number | null): Promise<Response> =>
      api('PUT', '/projects/gated', {
        auth: ADMIN,
        body: { cve_allowlist: { items: [{ cve_id: 'CVE-2099-0001' }], expires_at: expiresAt } },
      });
    expect((await allow(null)).status).toBe(200);
    await settles(200);
    expect((await allow(Math.floor(Date.now() / 1000) - 60)).status).toBe(200);
    await settles(412);
  });
});
