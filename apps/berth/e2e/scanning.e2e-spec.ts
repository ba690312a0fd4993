import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientSandbox,
  startBerth,
  waitFor,
  workspaceRoot,
  type BerthMode,
  type ClientSandbox,
  type RegistryInstance,
} from '@berth/platform/testing';
// Test-only schema validators (ajv and the CycloneDX schemas): kept out of the lib's barrel.
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  cycloneDxValidator,
  spdxValidator,
} from '../../../libs/scanning/domain/src/sbom/testing/sbom-validators';

/** The curated OSV records (real advisories, trimmed) the scanner is pointed at. */
const ADVISORIES = path.join(workspaceRoot, 'libs/scanning/domain/src/osv/testing/advisories');
const REPORT_MIME = 'application/vnd.security.vulnerability.report; version=1.1';
const HARBOR_SBOM = 'application/vnd.goharbor.harbor.sbom.v1';
const CYCLONEDX = 'application/vnd.cyclonedx+json';

interface Vulnerability {
  id: string;
  package: string;
  version: string;
  fix_version?: string;
  severity: string;
  vendor_attributes?: { osv_id?: string; aliases?: string[] };
}

interface Discovered {
  referrers?: { digest: string; artifactType?: string }[];
  manifests?: { digest: string; artifactType?: string }[];
}

interface SbomOverview {
  scan_status: string;
  sbom_digest?: string;
}

interface Overview {
  scan_status: string;
  severity?: string;
  summary?: { total: number; fixable: number; summary: Record<string, number> };
}

/** The installed version of a binary package in this machine's dpkg database, if any. */
function installedDebVersion(name: string): string | undefined {
  const status = fs.readFileSync('/var/lib/dpkg/status', 'utf8');
  for (const paragraph of status.split('\n\n')) {
    if (!new RegExp(`^Package: ${name}$`, 'm').test(paragraph)) continue;
    if (!/^Status: .* installed$/m.test(paragraph)) continue;
    return /^Version: (.+)$/m.exec(paragraph)?.[1];
  }
  return undefined;
}

const dpkgLessThan = (a: string, b: string): boolean => {
  try {
    execFileSync('dpkg', ['--compare-versions', a, 'lt', b]);
    return true;
  } catch {
    return false;
  }
};

/**
 * Scan on push end to end, with a real client (crane) pushing an image whose layers hold this
 * machine's own dpkg database and os-release, an npm tree and a Python dist-info: Berth scans it
 * against the curated OSV set and the vulnerabilities endpoint names the advisories with package,
 * installed and fixed version and severity. In both modes; distributed: the registry publishes
 * the push on JetStream, the scanner app claims the scan in PostgreSQL and reads the layers from
 * S3, the API app serves the report. The project also asks for SBOMs on push: SPDX and CycloneDX
 * documents pushed as referrers of the image, which `oras discover` lists and `oras pull` fetches.
 */
describe.each<BerthMode>(['all-in-one', 'distributed'])('berth %s: scan on push', (mode) => {
  let berth: RegistryInstance;
  let clients: ClientSandbox;
  let basic: string;
  const api = (p: string): string => `${berth.apiUrl}/api/v2.0${p}`;

  beforeAll(async () => {
    berth = await startBerth(mode, { env: { BERTH_SCANNER_DB: ADVISORIES } });
    basic = `Basic ${Buffer.from(`admin:${berth.password}`).toString('base64')}`;
    clients = clientSandbox();
    await clients.run('crane', [
      'auth',
      'login',
      berth.registryHost,
      '-u',
      'admin',
      '-p',
      berth.password ?? '',
    ]);
    await clients.run(
      'oras',
      ['login', '--plain-http', berth.registryHost, '-u', 'admin', '--password-stdin'],
      { input: berth.password ?? '' },
    );
  }, 240_000);

  afterAll(async () => {
    clients?.dispose();
    await berth?.stop();
  });

  /** Writes `files` under a fresh directory and packs it as a gzip layer with the system tar. */
  function layer(name: string, files: Record<string, string | Buffer>): string {
    const root = path.join(clients.home, `${name}-root`);
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), content);
    }
    const out = path.join(clients.home, `${name}.tar.gz`);
    execFileSync('tar', ['-czf', out, '--owner=0', '--group=0', '-C', root, '.']);
    return out;
  }

  it('scans an image pushed to an auto_scan project and lists its advisories', async () => {
    const created = await waitFor(
      async () => {
        const res = await fetch(api('/projects'), {
          method: 'POST',
          headers: { authorization: basic, 'content-type': 'application/json' },
          body: JSON.stringify({
            project_name: 'scanned',
            metadata: { auto_scan: 'true', auto_sbom_generation: 'true' },
          }),
        });
        return res.status === 201 ? res : undefined;
      },
      60_000,
      500,
    );
    expect(created.status).toBe(201);

    const os = layer('os', {
      'etc/os-release': fs.readFileSync('/etc/os-release'),
      'var/lib/dpkg/status': fs.readFileSync('/var/lib/dpkg/status'),
    });
    const app = layer('app', {
      'srv/app/package.json': JSON.stringify({ name: 'shop', version: '1.0.0' }),
      'srv/app/node_modules/lodash/package.json': JSON.stringify({
        name: 'lodash',
        version: '4.17.15',
      }),
      'srv/app/node_modules/minimist/package.json': JSON.stringify({
        name: 'minimist',
        version: '1.2.5',
      }),
      'usr/lib/python3/dist-packages/requests-2.25.1.dist-info/METADATA':
        'Metadata-Version: 2.1\nName: requests\nVersion: 2.25.1\n\n',
    });
    const ref = `${berth.registryHost}/scanned/shop:1.0`;
    await clients.run('crane', ['append', '--insecure', '-f', os, '-f', app, '-t', ref]);
    const digest = (await clients.run('crane', ['digest', '--insecure', ref])).trim();

    const artifact = api(`/projects/scanned/repositories/shop/artifacts/${digest}`);
    const overview = await waitFor(
      async () => {
        const res = await fetch(`${artifact}?with_scan_overview=true`, {
          headers: { authorization: basic },
        });
        if (res.status !== 200) return undefined;
        const body = (await res.json()) as { scan_overview?: Record<string, Overview> };
        const o = body.scan_overview?.[REPORT_MIME];
        return o && o.scan_status !== 'Pending' && o.scan_status !== 'Running' ? o : undefined;
      },
      120_000,
      500,
    );
    expect(overview.scan_status).toBe('Success');

    const res = await fetch(`${artifact}/additions/vulnerabilities`, {
      headers: { authorization: basic, 'x-accept-vulnerabilities': REPORT_MIME },
    });
    expect(res.status).toBe(200);
    const report = ((await res.json()) as Record<string, { vulnerabilities: Vulnerability[] }>)[
      REPORT_MIME
    ];
    const find = (pkg: string, osvId: string): Vulnerability | undefined =>
      report.vulnerabilities.find(
        (v) =>
          v.package === pkg &&
          (v.id === osvId ||
            v.vendor_attributes?.osv_id === osvId ||
            v.vendor_attributes?.aliases?.includes(osvId)),
      );

    expect(find('lodash', 'GHSA-35jh-r3h4-6jhm')).toMatchObject({
      version: '4.17.15',
      fix_version: '4.17.21',
      severity: 'High',
    });
    expect(find('minimist', 'GHSA-xvch-5gv4-984h')).toMatchObject({
      version: '1.2.5',
      fix_version: '1.2.6',
      severity: 'Critical',
    });
    expect(find('requests', 'GHSA-j8r2-6x86-q33q')).toMatchObject({
      version: '2.25.1',
      fix_version: '2.31.0',
      severity: 'Medium',
    });
    // The machine's own expat: reported by its binary package when older than the Debian fix.
    const expat = installedDebVersion('libexpat1');
    const expatFinding = find('libexpat1', 'DEBIAN-CVE-2024-8176');
    if (expat && dpkgLessThan(expat, '2.5.0-1+deb12u2'))
      expect(expatFinding).toMatchObject({ version: expat, fix_version: '2.5.0-1+deb12u2' });
    else expect(expatFinding).toBeUndefined();
    // Advisories for packages the image does not hold stay out.
    expect(report.vulnerabilities.some((v) => v.package === 'vm2')).toBe(false);

    expect(overview.summary?.total).toBe(report.vulnerabilities.length);
    expect(overview.severity).toBe('Critical');

    const info = (await (
      await fetch(api('/systeminfo'), { headers: { authorization: basic } })
    ).json()) as { scanner_db: { advisories: number } | null };
    expect(info.scanner_db?.advisories).toBe(
      fs.readdirSync(ADVISORIES).filter((f) => f.endsWith('.json')).length - 1, // one is withdrawn
    );
  }, 240_000);

  it('generates SPDX and CycloneDX SBOMs of the pushed image as referrers oras lists and pulls', async () => {
    const ref = `${berth.registryHost}/scanned/shop:1.0`;
    const digest = (await clients.run('crane', ['digest', '--insecure', ref])).trim();
    const artifact = api(`/projects/scanned/repositories/shop/artifacts/${digest}`);
    const overview = await waitFor(
      async () => {
        const res = await fetch(`${artifact}?with_sbom_overview=true`, {
          headers: { authorization: basic },
        });
        if (res.status !== 200) return undefined;
        const o = ((await res.json()) as { sbom_overview?: SbomOverview }).sbom_overview;
        return o && o.scan_status !== 'Pending' && o.scan_status !== 'Running' ? o : undefined;
      },
      120_000,
      500,
    );
    expect(overview.scan_status).toBe('Success');

    const discovered = JSON.parse(
      await clients.run('oras', ['discover', '--plain-http', '--format', 'json', ref]),
    ) as Discovered;
    const referrers = discovered.referrers ?? discovered.manifests ?? [];
    expect(referrers.map((r) => r.artifactType).sort(), JSON.stringify(discovered)).toEqual(
      [CYCLONEDX, HARBOR_SBOM].sort(),
    );
    expect(referrers.find((r) => r.artifactType === HARBOR_SBOM)?.digest).toBe(
      overview.sbom_digest,
    );

    const validators: Record<string, ValidateFunction> = {
      [HARBOR_SBOM]: spdxValidator(),
      [CYCLONEDX]: cycloneDxValidator(),
    };
    const expat = installedDebVersion('libexpat1');
    for (const referrer of referrers) {
      const out = path.join(clients.home, `sbom-${referrer.artifactType!.replace(/\W/g, '-')}`);
      await clients.run('oras', [
        'pull',
        '--plain-http',
        '--no-tty',
        '-o',
        out,
        `${berth.registryHost}/scanned/shop@${referrer.digest}`,
      ]);
      const [file] = fs.readdirSync(out);
      const document = JSON.parse(fs.readFileSync(path.join(out, file), 'utf8')) as unknown;
      const validate = validators[referrer.artifactType!];
      expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
      const text = JSON.stringify(document);
      expect(text).toContain('pkg:npm/lodash@4.17.15');
      expect(text).toContain('pkg:pypi/requests@2.25.1');
      if (expat) expect(text).toContain(`"libexpat1"`);
      if (expat) expect(text).toContain(JSON.stringify(expat));
    }
  }, 240_000);

  it("refuses crane a pull of the scanned image once prevent_vul is on, with Harbor's error", async () => {
    const ref = `${berth.registryHost}/scanned/shop:1.0`;
    const meta = (value: string): Promise<Response> =>
      fetch(api('/projects/scanned'), {
        method: 'PUT',
        headers: { authorization: basic, 'content-type': 'application/json' },
        body: JSON.stringify({ metadata: { prevent_vul: value, severity: 'high' } }),
      });
    expect((await meta('true')).status).toBe(200);
    const error = await waitFor(
      () =>
        clients.run('crane', ['manifest', '--insecure', ref]).then(
          () => undefined,
          (e: unknown) => String(e),
        ),
      15_000,
      500,
    );
    expect(error).toContain('PROJECTPOLICYVIOLATION');
    expect(error).toMatch(/current image with \d+ vulnerabilit/);
    expect((await meta('false')).status).toBe(200);
    await waitFor(
      () =>
        clients.run('crane', ['manifest', '--insecure', ref]).then(
          () => true,
          () => undefined,
        ),
      15_000,
      500,
    );
  }, 60_000);
});
