import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientSandbox,
  readOciLayout,
  RegistryHttp,
  sha256,
  startBerth,
  workspaceRoot,
  writeOciLayout,
  type BerthMode,
  type ClientSandbox,
  type OciLayout,
  type RegistryInstance,
} from '@berth/platform/testing';
import {
  FULL_CONFORMANCE_WORKFLOWS,
  runConformance,
  type ConformanceRun,
} from '@berth/platform/testing';

const modes: BerthMode[] = ['all-in-one', 'distributed'];

/** Credentials of one identity; `undefined` is the anonymous client. */
interface Identity {
  username: string;
  password: string;
}

const password = (): string => `Pw1-${crypto.randomBytes(12).toString('base64url')}`;

/** What a refused registry operation prints: a 401/403 or the words the clients use for them. */
const REFUSED = /\b401\b|\b403\b|unauthori[sz]ed|denied|forbidden|authentication required/i;

// Issue 4, "real clients with real identities": users, a project robot and anonymous clients, each
// in its own client sandbox, against the permissions set up through the Harbor-compatible REST API.
describe.each(modes)('identities: %s', (mode) => {
  let berth: RegistryInstance;
  /** Where /api/v2.0 is served: the one process all-in-one, the api app (base port + 2) distributed. */
  let apiUrl: string;
  let admin: Identity;
  const dev1: Identity = { username: 'dev1', password: password() };
  const guest1: Identity = { username: 'guest1', password: password() };
  let robot: Identity;
  const sandboxes: ClientSandbox[] = [];
  let host: string;
  const ref = (repo: string): string => `${host}/${repo}`;

  /** An admin REST call with Basic auth; fails the test unless the status is the expected one. */
  async function api<T>(method: string, route: string, body: unknown, status = 201): Promise<T> {
    const res = await fetch(`${apiUrl}/api/v2.0${route}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${admin.username}:${admin.password}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== status)
      throw new Error(`${method} ${route} answered ${res.status}, not ${status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A fresh client sandbox, every client logged in as who (none for the anonymous client). */
  async function sandboxFor(who?: Identity): Promise<ClientSandbox> {
    const s = clientSandbox();
    sandboxes.push(s);
    if (!who) return s;
    const { username: u, password: p } = who;
    // Credentials go on stdin, never through a shell: robot names contain `$`.
    await s.run('crane', ['auth', 'login', host, '-u', u, '--password-stdin'], { input: p });
    await s.run('oras', ['login', '--plain-http', host, '-u', u, '--password-stdin'], {
      input: p,
    });
    await s.run(
      'helm',
      ['registry', 'login', host, '--insecure', '--plain-http', '-u', u, '--password-stdin'],
      { input: p },
    );
    await s.run('skopeo', ['login', '--tls-verify=false', '-u', u, '--password-stdin', host], {
      input: p,
    });
    return s;
  }

  /** Resolves with the error text when run rejects; fails the test when it succeeds. */
  async function refused(run: Promise<string>): Promise<string> {
    const outcome = await run.then(
      (out) => ({ ok: true as const, out }),
      (e: unknown) => ({ ok: false as const, out: String(e) }),
    );
    expect(outcome.ok, `expected a refusal, got success:\n${outcome.out}`).toBe(false);
    return outcome.out;
  }

  let robotClients: ClientSandbox;
  let guestClients: ClientSandbox;
  let devClients: ClientSandbox;
  let anonClients: ClientSandbox;
  let adminClients: ClientSandbox;
  let image: OciLayout;
  let chart: Buffer;
  let chartDigest: string;

  beforeAll(async () => {
    berth = await startBerth(mode);
    host = berth.registryHost;
    admin = { username: berth.username ?? 'admin', password: berth.password ?? '' };
    apiUrl = berth.apiUrl ?? berth.url;

    await api('POST', '/projects', { project_name: 'team', metadata: { public: 'false' } });
    await api('POST', '/projects', { project_name: 'pub', metadata: { public: 'true' } });
    for (const u of [dev1, guest1])
      await api('POST', '/users', {
        username: u.username,
        password: u.password,
        email: `${u.username}@example.test`,
        realname: u.username,
      });
    await api('POST', '/projects/team/members', {
      role_id: 2,
      member_user: { username: 'dev1' },
    });
    await api('POST', '/projects/team/members', {
      role_id: 3,
      member_user: { username: 'guest1' },
    });
    const created = await api<{ name: string; secret: string }>('POST', '/robots', {
      name: 'ci',
      level: 'project',
      duration: -1,
      permissions: [
        {
          kind: 'project',
          namespace: 'team',
          access: [
            { resource: 'repository', action: 'pull' },
            { resource: 'repository', action: 'push' },
          ],
        },
      ],
    });
    expect(created.name).toBe('robot$team+ci');
    robot = { username: created.name, password: created.secret };

    robotClients = await sandboxFor(robot);
    guestClients = await sandboxFor(guest1);
    devClients = await sandboxFor(dev1);
    adminClients = await sandboxFor(admin);
    anonClients = await sandboxFor();
  }, 300_000);

  afterAll(async () => {
    for (const s of sandboxes) s.dispose();
    await berth?.stop();
  }, 60_000);

  it('(a) the project robot pushes an image with crane and a chart with helm, and pulls both back', async () => {
    image = writeOciLayout(path.join(robotClients.home, 'app'), {
      tag: 'v1',
      platforms: [{ architecture: 'amd64', os: 'linux' }],
      layers: 2,
    });
    await robotClients.run('crane', ['push', '--insecure', image.dir, ref('team/app:v1')]);
    expect(
      (await robotClients.run('crane', ['digest', '--insecure', ref('team/app:v1')])).trim(),
    ).toBe(image.digest);
    const pulledImage = path.join(robotClients.home, 'app-pulled');
    await robotClients.run('crane', [
      'pull',
      '--insecure',
      '--format',
      'oci',
      ref('team/app:v1'),
      pulledImage,
    ]);
    const pulledIndex = JSON.parse(
      fs.readFileSync(path.join(pulledImage, 'index.json'), 'utf8'),
    ) as { manifests: { digest: string }[] };
    expect(pulledIndex.manifests.map((m) => m.digest)).toContain(image.digest);
    for (const blob of image.blobs)
      expect(
        sha256(fs.readFileSync(path.join(pulledImage, 'blobs', 'sha256', blob.slice(7)))),
      ).toBe(blob);

    // pull+push is not delete: the robot cannot remove what it pushed.
    expect(
      await refused(
        robotClients.run('crane', ['delete', '--insecure', ref(`team/app@${image.digest}`)]),
      ),
    ).toMatch(REFUSED);
    expect(
      (await robotClients.run('crane', ['digest', '--insecure', ref('team/app:v1')])).trim(),
    ).toBe(image.digest);

    const chartDir = path.join(robotClients.home, 'team-chart');
    fs.mkdirSync(path.join(chartDir, 'templates'), { recursive: true });
    fs.writeFileSync(
      path.join(chartDir, 'Chart.yaml'),
      'apiVersion: v2\nname: team-chart\ndescription: pushed by a robot\ntype: application\nversion: 0.1.0\n',
    );
    fs.writeFileSync(path.join(chartDir, 'values.yaml'), `stamp: "${crypto.randomUUID()}"\n`);
    const dist = path.join(robotClients.home, 'dist');
    await robotClients.run('helm', ['package', chartDir, '-d', dist]);
    const tgz = path.join(dist, 'team-chart-0.1.0.tgz');
    chart = fs.readFileSync(tgz);
    const pushOut = await robotClients.run(
      'helm',
      ['push', tgz, `oci://${ref('team/charts')}`, '--plain-http'],
      { combined: true },
    );
    chartDigest = /Digest: (sha256:[0-9a-f]{64})/.exec(pushOut)?.[1] ?? '';
    expect(chartDigest, pushOut).toMatch(/^sha256:/);
    const pulledChart = path.join(robotClients.home, 'chart-pulled');
    fs.mkdirSync(pulledChart);
    await robotClients.run('helm', [
      'pull',
      `oci://${ref('team/charts/team-chart')}`,
      '--version',
      '0.1.0',
      '--plain-http',
      '-d',
      pulledChart,
    ]);
    expect(fs.readFileSync(path.join(pulledChart, 'team-chart-0.1.0.tgz')).equals(chart)).toBe(
      true,
    );
  });

  it('(b) guest1 pulls the image with skopeo and is refused a push', async () => {
    const out = path.join(guestClients.home, 'pulled');
    await guestClients.run('skopeo', [
      'copy',
      '--preserve-digests',
      '--src-tls-verify=false',
      `docker://${ref('team/app:v1')}`,
      `oci:${out}:v1`,
    ]);
    expect(readOciLayout(out, 'v1').digest).toBe(image.digest);
    for (const blob of image.blobs)
      expect(sha256(fs.readFileSync(path.join(out, 'blobs', 'sha256', blob.slice(7))))).toBe(blob);

    const err = await refused(
      guestClients.run('skopeo', [
        'copy',
        '--preserve-digests',
        '--dest-tls-verify=false',
        `oci:${out}:v1`,
        `docker://${ref('team/x:v1')}`,
      ]),
    );
    expect(err).toMatch(REFUSED);

    const res = await new RegistryHttp({ ...berth, ...admin }).fetch(
      '/v2/team/x/tags/list',
      'repository:team/x:pull',
    );
    expect(res.status).toBe(404);
    const body = (await res.json()) as { errors: { code: string }[] };
    expect(body.errors.map((e) => e.code)).toContain('NAME_UNKNOWN');
  });

  it('(c) an anonymous client pulls from the public project and is refused the private one', async () => {
    const base = writeOciLayout(path.join(adminClients.home, 'base'), {
      tag: 'v1',
      platforms: [{ architecture: 'amd64', os: 'linux' }],
      layers: 1,
    });
    await adminClients.run('crane', ['push', '--insecure', base.dir, ref('pub/base:v1')]);

    const pulled = path.join(anonClients.home, 'base');
    await anonClients.run('crane', [
      'pull',
      '--insecure',
      '--format',
      'oci',
      ref('pub/base:v1'),
      pulled,
    ]);
    const index = JSON.parse(fs.readFileSync(path.join(pulled, 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    expect(index.manifests.map((m) => m.digest)).toContain(base.digest);
    expect(
      (await anonClients.run('crane', ['digest', '--insecure', ref('pub/base:v1')])).trim(),
    ).toBe(base.digest);

    const manifestErr = await refused(
      anonClients.run('crane', ['manifest', '--insecure', ref('team/app:v1')]),
    );
    expect(manifestErr).toMatch(/\b401\b|unauthorized/i);
    const pullErr = await refused(
      anonClients.run('crane', [
        'pull',
        '--insecure',
        '--format',
        'oci',
        ref('team/app:v1'),
        path.join(anonClients.home, 'team-app'),
      ]),
    );
    expect(pullErr).toMatch(/\b401\b|unauthorized/i);
  });

  it('(d) dev1 pushes an artifact with oras into the team project', async () => {
    const payload = Buffer.from(JSON.stringify({ built: crypto.randomUUID() }));
    fs.writeFileSync(path.join(devClients.home, 'report.json'), payload);
    await devClients.run('oras', [
      'push',
      '--plain-http',
      '--no-tty',
      '--artifact-type',
      'application/vnd.example.report.v1',
      ref('team/report:v1'),
      'report.json:application/json',
    ]);
    const manifest = JSON.parse(
      await devClients.run('crane', ['manifest', '--insecure', ref('team/report:v1')]),
    ) as { artifactType?: string; layers: { digest: string }[] };
    expect(manifest.artifactType).toBe('application/vnd.example.report.v1');
    expect(manifest.layers.map((l) => l.digest)).toEqual([sha256(payload)]);
    const out = path.join(devClients.home, 'pulled');
    await devClients.run('oras', [
      'pull',
      '--plain-http',
      '--no-tty',
      '-o',
      out,
      ref('team/report:v1'),
    ]);
    expect(fs.readFileSync(path.join(out, 'report.json')).equals(payload)).toBe(true);
  });

  /** The conformance suite as `who`, on a namespace inside `team`, with extra OCI_* settings. */
  async function conformance(
    who: Identity,
    reportDir: string,
    env: Record<string, string> = {},
  ): Promise<ConformanceRun> {
    const run = await runConformance({
      url: berth.url,
      namespace: 'team/conformance',
      username: who.username,
      password: who.password,
      reportDir,
      env,
    });
    expect(run.resultsBytes).toBeGreaterThan(0);
    return run;
  }
  const reportRoot = path.join(workspaceRoot, '.test-results', 'conformance', `robot-${mode}`);

  it('(e) the OCI conformance suite passes with the pull+push project robot, deletes left out', async () => {
    // robot$team+ci holds pull and push only: every delete workflow is (rightly) refused with 401,
    // so the suite runs pull, push, tag listing, referrers, mount and upload cancel.
    const run = await conformance(robot, path.join(reportRoot, 'pull-push'), {
      OCI_API_TAGS_DELETE: 'false',
      OCI_API_MANIFESTS_DELETE: 'false',
      OCI_API_BLOBS_DELETE: 'false',
    });
    expect({ failures: run.failures, exit: run.exit }, run.stdout.slice(-6000)).toEqual({
      failures: '0',
      exit: 0,
    });
    for (const line of ['Blob mount', 'Blob chunked', 'Blob streaming', 'Tag listing', 'Referrers'])
      expect(run.stdout, line).toMatch(new RegExp(`${line}\\.+:\\s+Pass`));
  }, 900_000);

  it('(e) the whole OCI conformance suite passes with a pull+push+delete project robot', async () => {
    const created = await api<{ name: string; secret: string }>('POST', '/robots', {
      name: 'conformance',
      level: 'project',
      duration: -1,
      permissions: [
        {
          kind: 'project',
          namespace: 'team',
          access: ['pull', 'push', 'delete'].map((action) => ({ resource: 'repository', action })),
        },
      ],
    });
    expect(created.name).toBe('robot$team+conformance');
    const run = await conformance(
      { username: created.name, password: created.secret },
      path.join(reportRoot, 'full'),
    );
    expect({ failures: run.failures, exit: run.exit }, run.stdout.slice(-6000)).toEqual({
      failures: '0',
      exit: 0,
    });
    for (const line of FULL_CONFORMANCE_WORKFLOWS)
      expect(run.stdout, line).toMatch(new RegExp(`${line}\\.+:\\s+Pass`));
  }, 900_000);
});
