import { execFile, execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { workspaceRoot } from './real-dependencies';

/** Registry clients and servers pinned in tools/versions.env (Go tools) or taken from Debian. */
export type OciTool =
  'crane' | 'oras' | 'regctl' | 'helm' | 'vegeta' | 'skopeo' | 'htpasswd' | 'distribution-registry';

const toolPaths = new Map<OciTool, string>();

/** Absolute path of a pinned registry tool, building or installing it on first use. */
export function ociTool(name: OciTool): string {
  let p = toolPaths.get(name);
  if (!p) {
    p = execFileSync('bash', [path.join(workspaceRoot, 'tools/deps/which.sh'), name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 900_000,
    }).trim();
    toolPaths.set(name, p);
  }
  return p;
}

/**
 * An isolated client environment: its own HOME, so `crane auth login`, `oras login`, `regctl`,
 * `helm registry login` and skopeo write their credentials into a throwaway directory and never
 * read the user's. No proxy variables: every address we talk to is loopback.
 */
export interface ClientSandbox {
  home: string;
  env: Record<string, string>;
  /**
   * Runs a tool and resolves with its stdout (stderr too with `combined`, for tools such as helm
   * that report on stderr); rejects with its output when it exits non-zero.
   */
  run(
    tool: OciTool,
    args: string[],
    opts?: { input?: string; timeoutMs?: number; combined?: boolean },
  ): Promise<string>;
  dispose(): void;
}

export function clientSandbox(): ClientSandbox {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-clients-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    TMPDIR: os.tmpdir(),
    DOCKER_CONFIG: path.join(home, '.docker'),
    REGISTRY_AUTH_FILE: path.join(home, '.docker', 'config.json'),
    XDG_RUNTIME_DIR: path.join(home, 'run'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    HELM_CONFIG_HOME: path.join(home, '.config', 'helm'),
    HELM_CACHE_HOME: path.join(home, '.cache', 'helm'),
    HELM_DATA_HOME: path.join(home, '.local', 'share', 'helm'),
    NO_PROXY: '127.0.0.1,localhost',
  };
  fs.mkdirSync(env.DOCKER_CONFIG, { recursive: true });
  fs.mkdirSync(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
  return {
    home,
    env,
    run: (tool, args, opts = {}) =>
      new Promise((resolve, reject) => {
        const child = execFile(
          ociTool(tool),
          args,
          {
            cwd: home,
            env,
            timeout: opts.timeoutMs ?? 180_000,
            maxBuffer: 64 * 1024 * 1024,
            killSignal: 'SIGKILL',
          },
          (err, stdout, stderr) => {
            if (err)
              reject(
                new Error(
                  `${tool} ${args.join(' ')} failed (${err.code ?? err.signal}):\n${stderr}${stdout}`.slice(
                    0,
                    8000,
                  ),
                ),
              );
            else resolve(opts.combined ? `${stdout}${stderr}` : stdout);
          },
        );
        if (opts.input !== undefined) child.stdin?.end(opts.input);
        else child.stdin?.end();
      }),
    dispose: () => fs.rmSync(home, { recursive: true, force: true }),
  };
}

export const sha256 = (data: Buffer | string): string =>
  `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;

/** Where and as whom to reach a registry over plain HTTP on loopback. */
export interface RegistryEndpoint {
  /** http://127.0.0.1:<port> */
  url: string;
  /** 127.0.0.1:<port>, the host part of image references */
  registryHost: string;
  username?: string;
  password?: string;
}

/**
 * A tiny registry HTTP client for tests and benchmarks: answers a Bearer challenge with a token
 * from the realm (Basic credentials when given) and retries once; answers a Basic challenge with
 * the credentials. Tokens are cached per scope.
 */
export class RegistryHttp {
  private readonly tokens = new Map<string, string>();

  constructor(private readonly endpoint: RegistryEndpoint) {}

  private basic(): string | undefined {
    const { username, password } = this.endpoint;
    return username !== undefined && password !== undefined
      ? `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
      : undefined;
  }

  /** Token for a scope such as `repository:library/x:pull,push` (undefined: no auth needed). */
  async authorization(scope: string): Promise<string | undefined> {
    const cached = this.tokens.get(scope);
    if (cached !== undefined) return cached;
    const probe = await fetch(`${this.endpoint.url}/v2/`);
    await probe.arrayBuffer();
    if (probe.status !== 401) return undefined;
    const header = await this.answerChallenge(probe.headers.get('www-authenticate') ?? '', scope);
    if (header) this.tokens.set(scope, header);
    return header;
  }

  private async answerChallenge(challenge: string, scope: string): Promise<string | undefined> {
    if (/^basic/i.test(challenge)) return this.basic();
    if (!/^bearer/i.test(challenge)) return undefined;
    const params = Object.fromEntries(
      [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    if (scope) url.searchParams.set('scope', scope);
    const basic = this.basic();
    const res = await fetch(url, { headers: basic ? { authorization: basic } : {} });
    if (!res.ok)
      throw new Error(`token request ${url} answered ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error(`token response from ${url} carries no token`);
    return `Bearer ${token}`;
  }

  /** fetch() against the registry; `pathAndQuery` starts with /v2/. */
  async fetch(pathAndQuery: string, scope: string, init: RequestInit = {}): Promise<Response> {
    const auth = await this.authorization(scope);
    const headers = new Headers(init.headers);
    if (auth) headers.set('authorization', auth);
    const url = /^https?:/.test(pathAndQuery)
      ? pathAndQuery
      : `${this.endpoint.url}${pathAndQuery}`;
    return fetch(url, { ...init, headers, redirect: init.redirect ?? 'follow' });
  }
}

/** The next page's path from a registry `Link: <...>; rel="next"` header, if any. */
export function nextLink(res: Response): string | undefined {
  const link = res.headers.get('link');
  const m = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
  return m?.[1];
}
