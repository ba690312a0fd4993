import type { ValidateFunction } from 'ajv';
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
// Test-only schema validators (ajv and the CycloneDX schemas): kept out of the lib's barrel.
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  cycloneDxValidator,
  spdxValidator,
} from '../../../libs/scanning/domain/src/sbom/testing/sbom-validators';

const REPORT_MIME = 'application/vnd.security.vulnerability.report; version=1.1';
const HARBOR_SBOM = 'application/vnd.goharbor.harbor.sbom.v1';
const CYCLONEDX = 'application/vnd.cyclonedx+json';
const SBOM_BODY = { scan_type: { scan_type: 'sbom' } };

/** Debian 12 with libexpat1, lodash 4.17.15 from npm and requests 2.31.0 from PyPI. */
const IMAGE_FILES = {
  'etc/os-release': 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
  'var/lib/dpkg/status': [
    'Package: libexpat1',
    'Status: install ok installed',
    'Architecture: amd64',
    'Source: expat',
    'Version: 2.5.0-1+deb12u1',
    '',
  ].join('\n'),
  'app/node_modules/lodash/package.json': JSON.stringify({ name: 'lodash', version: '4.17.15' }),
  'usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA':
    'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\n',
};

interface SbomOverview {
  start_time: string;
  end_time: string;
  scan_status: string;
  sbom_digest?: string;
  report_id: string;
  duration: number;
  scanner: { name: string; vendor: string; version: string };
}

interface ArtifactBody {
  digest: string;
  artifact_type?: string;
  sbom_overview?: SbomOverview;
  scan_overview?: Record<string, { scan_status: string }>;
}

interface Referrers {
  manifests: Array<{ digest: string; artifactType: string; mediaType: string }>;
}

/**
 * SBOM generation in the all-in-one process: on push when the project asks for it, on demand
 * through Harbor's scan endpoint, both documents pushed as referrers of the artifact, Harbor's
 * `sbom_overview` and `additions/sbom`, and who may ask for one.
 */
describe('SBOM generation (all-in-one)', () => {
  let berth: RegistryInstance;
  let registry: RegistryHttp;
  let validateSpdx: ValidateFunction;
  let validateCycloneDx: ValidateFunction;
  const password = 'Sbom-spec-1';
  const devPassword = 'Sbom-dev-1';
  const basic = (user: string, pass: string): string =>
    `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  const ADMIN = basic('admin', password);
  const DEV = basic('sbom-dev', devPassword);
  const api = harborApi(() => berth.apiUrl ?? berth.url);
  /** A fresh image of IMAGE_FILES; returns its digest. */
  const pushImage = async (repo: string, tag: string): Promise<string> =>
    (await pushOciImage(registry, repo, tag, [{ data: gzipLayerOf(IMAGE_FILES) }])).digest;

  async function artifact(project: string, repo: string, ref: string): Promise<ArtifactBody> {
    const res = await api(
      'GET',
      `/projects/${project}/repositories/${repo}/artifacts/${ref}?with_sbom_overview=true&with_scan_overview=true`,
      { auth: ADMIN },
    );
    expect(res.status).toBe(200);
    return (await res.json()) as ArtifactBody;
  }

  async function sbomFinished(project: string, repo: string, ref: string): Promise<SbomOverview> {
    let last: SbomOverview | undefined;
    await waitFor(
      async () => {
        last = (await artifact(project, repo, ref)).sbom_overview;
        return last !== undefined && ['Success', 'Error', 'Stopped'].includes(last.scan_status);
      },
      60_000,
      200,
    );
    if (last!.scan_status === 'Error') {
      const log = await api(
        'GET',
        `/projects/${project}/repositories/${repo}/artifacts/${ref}/scan/${last!.report_id}/log`,
        { auth: ADMIN },
      );
      throw new Error(`SBOM generation failed: ${await log.text()}`);
    }
    return last!;
  }

  async function referrers(repo: string, digest: string): Promise<Referrers['manifests']> {
    const res = await registry.fetch(`/v2/${repo}/referrers/${digest}`, `repository:${repo}:pull`);
    expect(res.status).toBe(200);
    return ((await res.json()) as Referrers).manifests;
  }

  /** The document an SBOM manifest holds, read back through the registry. */
  async function documentOf(repo: string, manifestDigest: string): Promise<unknown> {
    const m = await registry.fetch(
      `/v2/${repo}/manifests/${manifestDigest}`,
      `repository:${repo}:pull`,
      {
        headers: { accept: OCI_MANIFEST },
      },
    );
    expect(m.status).toBe(200);
    const manifest = (await m.json()) as { layers: Array<{ digest: string }> };
    const blob = await registry.fetch(
      `/v2/${repo}/blobs/${manifest.layers[0].digest}`,
      `repository:${repo}:pull`,
    );
    expect(blob.status).toBe(200);
    return JSON.parse(await blob.text()) as unknown;
  }

  beforeAll(async () => {
    validateSpdx = spdxValidator();
    validateCycloneDx = cycloneDxValidator();
    berth = await startBerth('all-in-one', { password, env: { BERTH_SCANNER_CONCURRENCY: '2' } });
    registry = new RegistryHttp(berth);
    for (const [name, meta] of [
      ['sbomauto', { auto_scan: 'true', auto_sbom_generation: 'true' }],
      ['scanonly', { auto_scan: 'true' }],
      ['sbommanual', {}],
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
            username: 'sbom-dev',
            email: 'sbom-dev@example.test',
            realname: 'Dev',
            password: devPassword,
          },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api('POST', '/projects/sbommanual/members', {
          auth: ADMIN,
          body: { role_id: 2, member_user: { username: 'sbom-dev' } },
        })
      ).status,
    ).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await berth?.stop();
  });

  it('generates both SBOMs on push, as referrers of the image, beside its vulnerability scan', async () => {
    const digest = await pushImage('sbomauto/app', 'v1');
    const overview = await sbomFinished('sbomauto', 'app', 'v1');
    expect(overview).toMatchObject({
      scan_status: 'Success',
      sbom_digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      report_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      scanner: { name: 'Berth', vendor: 'Berth' },
    });
    expect(Date.parse(overview.end_time)).toBeGreaterThanOrEqual(Date.parse(overview.start_time));

    const listed = await referrers('sbomauto/app', digest);
    expect(listed.map((r) => r.artifactType).sort()).toEqual([CYCLONEDX, HARBOR_SBOM].sort());
    const spdxRef = listed.find((r) => r.artifactType === HARBOR_SBOM)!;
    expect(spdxRef.digest).toBe(overview.sbom_digest);

    const spdx = (await documentOf('sbomauto/app', spdxRef.digest)) as {
      spdxVersion: string;
      packages: Array<{
        name: string;
        versionInfo?: string;
        externalRefs?: Array<{ referenceLocator: string }>;
      }>;
    };
    expect(validateSpdx(spdx), JSON.stringify(validateSpdx.errors)).toBe(true);
    expect(spdx.spdxVersion).toBe('SPDX-2.3');
    const purls = spdx.packages.flatMap((p) =>
      (p.externalRefs ?? []).map((r) => r.referenceLocator),
    );
    expect(purls).toContain('pkg:npm/lodash@4.17.15');
    expect(purls.some((p) => p.startsWith('pkg:pypi/requests@2.31.0'))).toBe(true);
    expect(purls.some((p) => p.startsWith('pkg:deb/debian/libexpat1@2.5.0-1%2Bdeb12u1'))).toBe(
      true,
    );

    const cdx = (await documentOf(
      'sbomauto/app',
      listed.find((r) => r.artifactType === CYCLONEDX)!.digest,
    )) as { specVersion: string; components: Array<{ purl?: string }> };
    expect(validateCycloneDx(cdx), JSON.stringify(validateCycloneDx.errors)).toBe(true);
    expect(cdx.specVersion).toBe('1.6');
    expect(cdx.components.map((c) => c.purl)).toContain('pkg:npm/lodash@4.17.15');

    // Harbor's addition on the SBOM accessory serves the SPDX document itself.
    const addition = await api(
      'GET',
      `/projects/sbomauto/repositories/app/artifacts/${overview.sbom_digest}/additions/sbom`,
      { auth: ADMIN },
    );
    expect(addition.status).toBe(200);
    expect(await addition.json()).toEqual(spdx);
    // The image itself is no SBOM.
    expect(
      (
        await api('GET', `/projects/sbomauto/repositories/app/artifacts/${digest}/additions/sbom`, {
          auth: ADMIN,
        })
      ).status,
    ).toBe(404);

    // The vulnerability scan of the same push ran too.
    await waitFor(
      async () =>
        (await artifact('sbomauto', 'app', 'v1')).scan_overview?.[REPORT_MIME]?.scan_status ===
        'Success',
      60_000,
      200,
    );
  });

  it('pushes SBOMs like any push (audit log) and never scans or describes the SBOMs themselves', async () => {
    const digest = await pushImage('sbomauto/quiet', 'v1');
    await sbomFinished('sbomauto', 'quiet', 'v1');
    const [one, two] = await referrers('sbomauto/quiet', digest);
    // The audit log records the SBOM pushes as it records any push.
    await waitFor(
      async () => {
        const res = await api('GET', '/audit-logs?page_size=100', { auth: ADMIN });
        const logs = (await res.json()) as Array<{ resource: string; operation: string }>;
        return [one, two].every((r) =>
          logs.some((l) => l.operation === 'create' && l.resource.endsWith(r.digest)),
        );
      },
      20_000,
      200,
    );
    // Give a scan on push of the SBOMs (there must be none) the time it would take.
    await waitFor(
      async () =>
        (await artifact('sbomauto', 'quiet', 'v1')).scan_overview?.[REPORT_MIME]?.scan_status ===
        'Success',
      60_000,
      200,
    );
    for (const r of [one, two]) {
      const body = await artifact('sbomauto', 'quiet', r.digest);
      expect(body.scan_overview).toBeUndefined();
      expect(body.sbom_overview).toBeUndefined();
      expect((await referrers('sbomauto/quiet', r.digest)).length).toBe(0);
      // Nor on demand.
      const asked = await api(
        'POST',
        `/projects/sbomauto/repositories/quiet/artifacts/${r.digest}/scan`,
        { auth: ADMIN, body: SBOM_BODY },
      );
      expect(asked.status).toBe(400);
    }
  });

  it('generates no SBOM on push in a project without auto_sbom_generation', async () => {
    const digest = await pushImage('scanonly/app', 'v1');
    await waitFor(
      async () =>
        (await artifact('scanonly', 'app', 'v1')).scan_overview?.[REPORT_MIME]?.scan_status ===
        'Success',
      60_000,
      200,
    );
    expect((await artifact('scanonly', 'app', 'v1')).sbom_overview).toBeUndefined();
    expect(await referrers('scanonly/app', digest)).toEqual([]);
  });

  it('generates SBOMs on demand for project admins and maintainers only, and stops them', async () => {
    const digest = await pushImage('sbommanual/app', 'v1');
    const path = '/projects/sbommanual/repositories/app/artifacts/v1/scan';
    // A developer may not, as for a vulnerability scan.
    expect((await api('POST', path, { auth: DEV, body: SBOM_BODY })).status).toBe(403);
    expect((await api('POST', path, { body: SBOM_BODY })).status).toBe(401);
    expect((await artifact('sbommanual', 'app', 'v1')).sbom_overview).toBeUndefined();

    expect((await api('POST', path, { auth: ADMIN, body: SBOM_BODY })).status).toBe(202);
    const overview = await sbomFinished('sbommanual', 'app', 'v1');
    expect(overview.scan_status).toBe('Success');
    // Only the SBOM was asked for: no vulnerability scan.
    expect((await artifact('sbommanual', 'app', 'v1')).scan_overview).toBeUndefined();
    const first = await referrers('sbommanual/app', digest);
    expect(first.map((r) => r.artifactType).sort()).toEqual([CYCLONEDX, HARBOR_SBOM].sort());

    // Asked again: a fresh report, and the SBOMs of that run beside the first ones.
    expect((await api('POST', path, { auth: ADMIN, body: SBOM_BODY })).status).toBe(202);
    await waitFor(
      async () => {
        const again = (await artifact('sbommanual', 'app', 'v1')).sbom_overview;
        return again?.scan_status === 'Success' && again.report_id !== overview.report_id;
      },
      60_000,
      200,
    );

    // Stopping the SBOM generation leaves nothing pending or running.
    expect((await api('POST', path, { auth: ADMIN, body: SBOM_BODY })).status).toBe(202);
    expect((await api('POST', `${path}/stop`, { auth: ADMIN, body: SBOM_BODY })).status).toBe(202);
    const stopped = await sbomFinished('sbommanual', 'app', 'v1');
    expect(['Stopped', 'Success']).toContain(stopped.scan_status);
    expect((await api('POST', `${path}/stop`, { auth: DEV, body: SBOM_BODY })).status).toBe(403);
  });

  it('lists the SBOM overview of every artifact in a listing', async () => {
    const res = await api(
      'GET',
      '/projects/sbomauto/repositories/app/artifacts?with_sbom_overview=true',
      { auth: ADMIN },
    );
    expect(res.status).toBe(200);
    const listed = (await res.json()) as ArtifactBody[];
    const image = listed.find((a) => a.sbom_overview !== undefined);
    expect(image?.sbom_overview?.scan_status).toBe('Success');
    // Without asking, no overview.
    const plain = (await (
      await api('GET', '/projects/sbomauto/repositories/app/artifacts', { auth: ADMIN })
    ).json()) as ArtifactBody[];
    expect(plain.every((a) => a.sbom_overview === undefined)).toBe(true);
  });
});
