import { afterAll, beforeAll } from 'vitest';
import {
  berthClientE2eModes,
  clientSandbox,
  RegistryHttp,
  startBerth,
  startDistributionRegistry,
  type ClientSandbox,
  type RegistryInstance,
} from '@berth/platform/testing';

/**
 * The registries every client test runs against. The CNCF distribution registry always runs,
 * anonymous and behind htpasswd: it proves the tests (and the clients' login flows) right. Berth
 * runs in both modes (BERTH_CLIENT_E2E_MODES=all-in-one,distributed picks; BERTH_CLIENT_E2E=0 skips).
 */
export interface ClientTarget {
  name: string;
  kind: 'distribution' | 'berth';
  start(): Promise<RegistryInstance>;
}

export function clientTargets(): ClientTarget[] {
  const targets: ClientTarget[] = [
    { name: 'distribution', kind: 'distribution', start: () => startDistributionRegistry() },
    // Same registry behind htpasswd Basic auth: exercises every client's login path today.
    {
      name: 'distribution htpasswd',
      kind: 'distribution',
      start: () =>
        startDistributionRegistry({ auth: { username: 'tester', password: 'tester-password-1' } }),
    },
  ];
  for (const mode of berthClientE2eModes())
    targets.push({ name: `berth ${mode}`, kind: 'berth', start: () => startBerth(mode) });
  return targets;
}

/** A started registry with a logged-in client sandbox, plus the per-client flags for plain HTTP. */
export interface TargetContext {
  target: ClientTarget;
  registry: RegistryInstance;
  clients: ClientSandbox;
  http: RegistryHttp;
  /** `127.0.0.1:<port>/<repo>[:tag|@digest]` */
  ref(repoAndTag: string): string;
  /** skopeo flags for a registry source or destination (TLS off, credentials when needed). */
  skopeoSrc: string[];
  skopeoDest: string[];
}

async function loginAll(ctx: TargetContext): Promise<void> {
  const { registry: r, clients } = ctx;
  const host = r.registryHost;
  // regctl defaults to HTTPS; tell it this host speaks plain HTTP (its config lives in our HOME).
  await clients.run('regctl', ['registry', 'set', '--skip-check', '--tls', 'disabled', host]);
  if (r.username === undefined || r.password === undefined) return;
  const { username: u, password: p } = r;
  await clients.run('crane', ['auth', 'login', host, '-u', u, '--password-stdin'], { input: p });
  await clients.run('oras', ['login', '--plain-http', host, '-u', u, '--password-stdin'], {
    input: p,
  });
  await clients.run('regctl', ['registry', 'login', host, '-u', u, '--pass-stdin'], { input: p });
  await clients.run(
    'helm',
    ['registry', 'login', host, '--insecure', '--plain-http', '-u', u, '--password-stdin'],
    { input: p },
  );
}

/**
 * Registers beforeAll/afterAll that start the target, make a client sandbox and log every client
 * in; returns a context whose fields are filled once beforeAll has run.
 */
export function useTarget(target: ClientTarget): TargetContext {
  const ctx = { target } as TargetContext;
  beforeAll(async () => {
    ctx.registry = await target.start();
    ctx.clients = clientSandbox();
    ctx.http = new RegistryHttp(ctx.registry);
    ctx.ref = (repoAndTag) => `${ctx.registry.registryHost}/${repoAndTag}`;
    const { username: u, password: p } = ctx.registry;
    const creds = (flag: string): string[] => (u !== undefined ? [`${flag}=${u}:${p}`] : []);
    ctx.skopeoSrc = ['--src-tls-verify=false', ...creds('--src-creds')];
    ctx.skopeoDest = ['--dest-tls-verify=false', ...creds('--dest-creds')];
    await loginAll(ctx);
  }, 300_000);
  afterAll(async () => {
    ctx.clients?.dispose();
    await ctx.registry?.stop();
  }, 60_000);
  return ctx;
}
