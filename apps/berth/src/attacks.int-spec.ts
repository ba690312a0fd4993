import { createHash, createHmac, createPublicKey, sign, type JsonWebKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RegistryAccessEntry, RegistryTokenClaims } from '@berth/contracts';
import {
  CreateUserUseCase,
  LoginThrottle,
  UserRepository,
  type UserPrincipal,
} from '@berth/identity/domain';
import {
  exportPublicJwk,
  generateSigningKey,
  importSigningKey,
  signJwt,
  type JwtPayload,
  type SigningKey,
} from '@berth/platform/jwt';
import type { RunningService } from '@berth/platform/runtime';
import { startTestBerth } from './testing/test-berth';

const ADMIN_PASSWORD = 'correct-horse-battery';
const PASSWORD = 'Tenant-Passw0rd';
const ADMIN: UserPrincipal = { kind: 'user', id: 1, username: 'admin', sysadmin: true };
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const SERVICE = 'berth-registry';
const ISSUER = 'berth-token-issuer';
/** The repository every forged token reaches for: private, only the admin is a member. */
const TARGET = 'beta/app';

const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const sha = (b: Buffer | string): string =>
  `sha256:${createHash('sha256').update(b).digest('hex')}`;
const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const claimsOf = (token: string): RegistryTokenClaims =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

interface HarborErrors {
  errors: Array<{ code: string; message: string }>;
}

/** A Harbor error body with exactly one error of this code and a message. */
async function expectHarborError(res: Response, status: number, code: string): Promise<string> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as HarborErrors;
  expect(body).toEqual({ errors: [{ code, message: expect.any(String) }] });
  return body.errors[0].message;
}

/** The token endpoint the registry's challenges name; read from its first challenge. */
let realm = '';

/** 401 with the OCI error code and a Docker token challenge naming Berth's token service. */
async function expectOciChallenge(
  res: Response,
  scope: string,
  insufficient = false,
): Promise<void> {
  expect(res.status).toBe(401);
  const body = (await res.json()) as HarborErrors;
  expect(body.errors.map((e) => e.code)).toEqual(['UNAUTHORIZED']);
  expect(res.headers.get('www-authenticate')).toBe(
    `Bearer realm="${realm}",service="${SERVICE}",scope="${scope}"${insufficient ? ',error="insufficient_scope"' : ''}`,
  );
}

describe('attacks refused (registry + auth + api booted)', () => {
  let dataDir: string;
  let service: RunningService;
  let base: string;
  let users: UserRepository;
  let alice: UserPrincipal;
  let mallory: UserPrincipal;
  let trustedJwk: JsonWebKey & { kid: string };
  let betaManifest: string;

  const admin = basic('admin', ADMIN_PASSWORD);
  const aliceAuth = basic('alice', PASSWORD);
  const malloryAuth = basic('mallory', PASSWORD);

  const api = (
    authorization: string | undefined,
    method: string,
    p: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> =>
    fetch(`${base}/api/v2.0${p}`, {
      method,
      headers: {
        ...(authorization && { authorization }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const tokenResponse = (authorization: string | undefined, query: string): Promise<Response> =>
    fetch(`${base}/service/token?${query}`, {
      headers: authorization ? { authorization } : {},
    });
  const tokenFor = async (
    authorization: string | undefined,
    ...scopes: string[]
  ): Promise<string> => {
    const query = [
      `service=${SERVICE}`,
      ...scopes.map((s) => `scope=${encodeURIComponent(s)}`),
    ].join('&');
    const res = await tokenResponse(authorization, query);
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  };
  const v2 = (
    token: string | undefined,
    method: string,
    p: string,
    init: { headers?: Record<string, string>; body?: Buffer | string } = {},
  ): Promise<Response> =>
    fetch(`${base}/v2/${p}`, {
      method,
      headers: { ...(token && { authorization: `Bearer ${token}` }), ...init.headers },
      body: init.body,
    });
  /** One image (config + layer + manifest) pushed as admin under `tag`; its manifest bytes. */
  const pushImage = async (repo: string, tag: string): Promise<string> => {
    const token = await tokenFor(admin, `repository:${repo}:pull,push`);
    const blob = async (data: Buffer): Promise<string> => {
      const digest = sha(data);
      const res = await v2(token, 'POST', `${repo}/blobs/uploads/?digest=${digest}`, {
        headers: { 'content-type': 'application/octet-stream' },
        body: data,
      });
      expect(res.status).toBe(201);
      return digest;
    };
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', repo }));
    const layer = Buffer.from(`layer of ${repo}`);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: await blob(config),
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: await blob(layer),
          size: layer.length,
        },
      ],
    });
    const res = await v2(token, 'PUT', `${repo}/manifests/${tag}`, {
      headers: { 'content-type': OCI_MANIFEST },
      body: manifest,
    });
    expect(res.status).toBe(201);
    return manifest;
  };
  const tagsOf = async (repo: string): Promise<string[]> => {
    const res = await v2(
      await tokenFor(admin, `repository:${repo}:pull`),
      'GET',
      `${repo}/tags/list`,
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as { tags: string[] }).tags;
  };
  const currentUser = async (authorization: string): Promise<Record<string, unknown>> => {
    const res = await api(authorization, 'GET', '/users/current');
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };
  const login = (principal: string, password: string): Promise<Response> =>
    fetch(`${base}/c/login`, {
      method: 'POST',
      body: new URLSearchParams({ principal, password }),
    });
  let throttleShift = 0;
  /** Failed logins feed the account and address locks; moving the throttle's clock past them starts clean. */
  const forgetFailedLogins = (): void => {
    throttleShift += 3_600_000;
    const shift = throttleShift;
    service.app.get(LoginThrottle).clock = { now: () => Date.now() + shift };
  };

  /**
   * A forged token is tried on a pull and on a re-tag of the target's manifest: both must be
   * refused with the challenge, and the repository must keep only its own tag.
   */
  const expectForgeryRefused = async (token: string): Promise<void> => {
    await expectOciChallenge(
      await v2(token, 'GET', `${TARGET}/manifests/v1`),
      `repository:${TARGET}:pull`,
    );
    await expectOciChallenge(
      await v2(token, 'PUT', `${TARGET}/manifests/pwned`, {
        headers: { 'content-type': OCI_MANIFEST },
        body: betaManifest,
      }),
      `repository:${TARGET}:pull,push`,
    );
    expect(await tagsOf(TARGET)).toEqual(['v1']);
  };
  /** Claims an attacker wants: everything on the target and the catalog, as admin. */
  const greedyClaims = (extra: JwtPayload = {}): JwtPayload => {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: ISSUER,
      sub: 'admin',
      aud: SERVICE,
      iat: now,
      nbf: now,
      exp: now + 300,
      jti: 'forged',
      access: [
        { type: 'repository', name: TARGET, actions: ['*', 'pull', 'push', 'delete'] },
        { type: 'registry', name: 'catalog', actions: ['*'] },
      ],
      ...extra,
    };
  };
  const esSign = (input: string, key: SigningKey): string =>
    sign('sha256', Buffer.from(input), {
      key: key.privateKey,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64url');
  /**
   * The token service's own signing key, read from its database. No outsider has it; tokens it
   * signs with bad claims show that the claim checks hold on their own, not only the signature.
   */
  const trustedSigningKey = (): SigningKey => {
    const db = new Database(path.join(dataDir, 'berth.db'), { readonly: true });
    try {
      const row = db
        .prepare('SELECT private_jwk FROM auth_signing_key WHERE kid = ?')
        .get(trustedJwk.kid) as { private_jwk: string };
      return importSigningKey(JSON.parse(row.private_jwk));
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    ({ service, base, dataDir } = await startTestBerth('berth-attacks-', ADMIN_PASSWORD));
    users = service.app.get(UserRepository);
    const createUser = service.app.get(CreateUserUseCase);
    const principal = async (username: string): Promise<UserPrincipal> => {
      const u = await createUser.execute(ADMIN, {
        username,
        email: `${username}@example.test`,
        password: PASSWORD,
      });
      return { kind: 'user', id: u.id, username, sysadmin: false };
    };
    alice = await principal('alice');
    mallory = await principal('mallory');
    for (const username of ['lit_ab', 'litxab']) await principal(username);
    for (const [name, isPublic] of [
      ['alpha', false],
      ['beta', false],
      ['pub', true],
      ['lit_ab', false],
      ['litxab', false],
    ] as const)
      expect(
        (
          await api(admin, 'POST', '/projects', {
            project_name: name,
            metadata: { public: String(isPublic) },
          })
        ).status,
      ).toBe(201);
    expect(
      (
        await api(admin, 'POST', '/projects/alpha/members', {
          role_id: 2, // developer: push and pull in alpha, nothing elsewhere
          member_user: { username: 'alice' },
        })
      ).status,
    ).toBe(201);
    await pushImage('alpha/app', 'v1');
    await pushImage('alpha/a_b', 'v1');
    await pushImage('alpha/axb', 'v1');
    await pushImage('pub/app', 'v1');
    betaManifest = await pushImage(TARGET, 'v1');
    const jwks = (await (await fetch(`${base}/service/keys`)).json()) as {
      keys: Array<JsonWebKey & { kid: string }>;
    };
    // The published key that signs today's tokens: the one a forger would impersonate.
    const genuine = await tokenFor(admin);
    const { kid } = JSON.parse(Buffer.from(genuine.split('.')[0], 'base64url').toString()) as {
      kid: string;
    };
    const signing = jwks.keys.find((k) => k.kid === kid);
    if (!signing) throw new Error(`the signing key ${kid} is not in the JWKS`);
    trustedJwk = signing;
    const challenge = (await v2(undefined, 'GET', '')).headers.get('www-authenticate') ?? '';
    realm = /realm="([^"]+)"/.exec(challenge)?.[1] ?? '';
    expect(realm).toMatch(/\/service\/token$/);
  });
  afterAll(async () => {
    vi.useRealTimers();
    await service?.app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  describe('forged registry tokens', () => {
    it('the admin’s genuine token works on the target (so the refusals below are meaningful)', async () => {
      const token = await tokenFor(admin, `repository:${TARGET}:pull`);
      expect((await v2(token, 'GET', `${TARGET}/manifests/v1`)).status).toBe(200);
    });

    it.each(['none', 'None', 'NONE', 'nOnE'])('refuses alg "%s" with no signature', async (alg) => {
      const token = `${b64url({ alg, typ: 'JWT', kid: trustedJwk.kid })}.${b64url(greedyClaims())}.`;
      await expectForgeryRefused(token);
    });

    it('refuses alg none on a genuine token’s widened payload, its signature kept or dropped', async () => {
      const genuine = await tokenFor(malloryAuth, `repository:${TARGET}:pull`);
      const [, , signature] = genuine.split('.');
      const payload = b64url({ ...claimsOf(genuine), access: greedyClaims()['access'] });
      const header = b64url({ alg: 'none', typ: 'JWT', kid: trustedJwk.kid });
      await expectForgeryRefused(`${header}.${payload}.`);
      await expectForgeryRefused(`${header}.${payload}.${signature}`);
    });

    it('refuses a genuine token whose payload was widened, signature kept', async () => {
      const genuine = await tokenFor(malloryAuth, `repository:${TARGET}:pull`);
      expect(claimsOf(genuine).access).toEqual([]);
      const [header, , signature] = genuine.split('.');
      const widened = { ...claimsOf(genuine), access: greedyClaims()['access'] };
      await expectForgeryRefused(`${header}.${b64url(widened)}.${signature}`);
    });

    const publicKey = () => createPublicKey({ key: trustedJwk, format: 'jwk' });
    const publicPem = (): string => String(publicKey().export({ format: 'pem', type: 'spki' }));
    const publicDer = (): Buffer => publicKey().export({ format: 'der', type: 'spki' });
    it.each([
      ['the PEM of the JWKS key', () => publicPem()],
      ['the JWKS key as JSON', () => JSON.stringify(trustedJwk)],
      ['the DER of the JWKS key', () => publicDer()],
    ])('refuses HS256 signed with %s as the HMAC secret', async (_, secret) => {
      for (const alg of ['HS256', 'HS384', 'HS512']) {
        const input = `${b64url({ alg, typ: 'JWT', kid: trustedJwk.kid })}.${b64url(greedyClaims())}`;
        const mac = createHmac(`sha${alg.slice(2)}`, secret())
          .update(input)
          .digest('base64url');
        await expectForgeryRefused(`${input}.${mac}`);
      }
    });
    it('refuses a jwk header carrying the attacker’s key under the trusted kid', async () => {
      const attacker = generateSigningKey();
      const jwk = { ...exportPublicJwk(attacker.publicKey), kid: trustedJwk.kid };
      const input = `${b64url({ alg: 'ES256', typ: 'JWT', kid: trustedJwk.kid, jwk })}.${b64url(greedyClaims())}`;
      await expectForgeryRefused(`${input}.${esSign(input, attacker)}`);
    });

    it.each([
      ['jku', (): unknown => 'http://attacker.example/jwks.json'],
      ['x5u', (): unknown => 'http://attacker.example/cert.pem'],
      ['x5c', (): unknown => ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA']],
    ])('refuses a %s header pointing at the attacker’s key', async (name, value) => {
      const attacker = generateSigningKey();
      const input = `${b64url({ alg: 'ES256', typ: 'JWT', kid: trustedJwk.kid, [name]: value() })}.${b64url(greedyClaims())}`;
      await expectForgeryRefused(`${input}.${esSign(input, attacker)}`);
    });

    it('refuses a token signed by the attacker’s own key, under its kid or the trusted one', async () => {
      const attacker = generateSigningKey();
      await expectForgeryRefused(signJwt(greedyClaims(), attacker));
      const input = `${b64url({ alg: 'ES256', typ: 'JWT', kid: trustedJwk.kid })}.${b64url(greedyClaims())}`;
      await expectForgeryRefused(`${input}.${esSign(input, attacker)}`);
    });
  });

  describe('tokens past their time or meant for someone else', () => {
    /** A genuine token, issued over HTTP by the token service while its clock read `at`. */
    const issuedAt = async (at: number, authorization: string, scope: string): Promise<string> => {
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(at);
        return await tokenFor(authorization, scope);
      } finally {
        vi.useRealTimers();
      }
    };

    it('refuses a genuine admin token issued an hour ago, now expired', async () => {
      const token = await issuedAt(Date.now() - 3_600_000, admin, `repository:${TARGET}:pull,push`);
      expect(claimsOf(token).exp * 1000).toBeLessThan(Date.now());
      expect(claimsOf(token).access).toEqual([
        { type: 'repository', name: TARGET, actions: ['pull', 'push'] },
      ]);
      await expectForgeryRefused(token);
    });

    it('refuses a genuine admin token that is not valid yet (issued by a clock an hour ahead)', async () => {
      const token = await issuedAt(Date.now() + 3_600_000, admin, `repository:${TARGET}:pull,push`);
      await expectForgeryRefused(token);
    });

    it('issues no token for another service, by GET or by the OAuth2 POST', async () => {
      for (const service of ['harbor-registry', 'berth-registry2', 'Berth-Registry', '']) {
        const res = await tokenResponse(
          admin,
          `service=${encodeURIComponent(service)}&scope=${encodeURIComponent(`repository:${TARGET}:pull`)}`,
        );
        expect(res.status).toBe(400);
        expect(JSON.stringify(await res.json())).not.toMatch(/"(access_)?token"/);
      }
      const post = await fetch(`${base}/service/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'password',
          service: 'another-service',
          client_id: 'attacker',
          username: 'admin',
          password: ADMIN_PASSWORD,
          scope: `repository:${TARGET}:pull`,
        }),
      });
      expect(post.status).toBe(400);
      expect(await post.json()).toMatchObject({ error: 'invalid_request' });
    });

    it('lets no token meant for the REST API into the registry, nor a registry token into the API', async () => {
      // Where the token service also issues API tokens, that genuine token is one an attacker holds.
      const apiToken = await tokenResponse(admin, 'service=berth-api');
      if (apiToken.status === 200) {
        const { token } = (await apiToken.json()) as { token: string };
        expect(claimsOf(token).aud).not.toBe(SERVICE);
        await expectForgeryRefused(token);
      } else expect(apiToken.status).toBe(400);
      const registryToken = await tokenFor(admin, `repository:${TARGET}:pull,push`);
      for (const p of ['/users/current', '/users', '/projects/beta'])
        await expectHarborError(
          await api(`Bearer ${registryToken}`, 'GET', p),
          401,
          'UNAUTHORIZED',
        );
    });

    it('refuses a token for another audience or issuer, even signed with the trusted key', async () => {
      const key = trustedSigningKey();
      expect(key.kid).toBe(trustedJwk.kid);
      // The same key and claims with the registry as audience are accepted: only `aud`/`iss` differ below.
      const accepted = await v2(signJwt(greedyClaims(), key), 'GET', `${TARGET}/manifests/v1`);
      expect(accepted.status).toBe(200);
      const { aud: _aud, ...withoutAudience } = greedyClaims();
      for (const claims of [
        greedyClaims({ aud: 'another-service' }),
        greedyClaims({ aud: ['another-service', 'portal'] }),
        greedyClaims({ aud: `${SERVICE} ` }),
        withoutAudience,
        greedyClaims({ iss: 'attacker' }),
      ])
        await expectForgeryRefused(signJwt(claims, key));
    });
  });

  describe('scope escalation at the token service', () => {
    it('grants a developer push on their project, nothing on a foreign one, no catalog', async () => {
      const token = await tokenFor(
        aliceAuth,
        'repository:alpha/app:pull,push,delete,*',
        `repository:${TARGET}:pull,push,*`,
        'repository:beta/new:push',
        'registry:catalog:*',
      );
      expect(claimsOf(token)).toMatchObject({ sub: 'alice', aud: SERVICE });
      expect(claimsOf(token).access).toEqual([
        { type: 'repository', name: 'alpha/app', actions: ['pull', 'push'] },
      ]);
      expect((await v2(token, 'GET', 'alpha/app/manifests/v1')).status).toBe(200);
      await expectOciChallenge(
        await v2(token, 'GET', `${TARGET}/manifests/v1`),
        `repository:${TARGET}:pull`,
        true,
      );
      await expectOciChallenge(
        await v2(token, 'PUT', `${TARGET}/manifests/pwned`, {
          headers: { 'content-type': OCI_MANIFEST },
          body: betaManifest,
        }),
        `repository:${TARGET}:pull,push`,
        true,
      );
      const catalog = await v2(token, 'GET', '_catalog');
      expect(catalog.status).toBe(401);
      expect(catalog.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      expect(await tagsOf(TARGET)).toEqual(['v1']);
    });

    it('decides by the credentials, not by the account parameter', async () => {
      const res = await tokenResponse(
        malloryAuth,
        `service=${SERVICE}&account=admin&scope=${encodeURIComponent(`repository:${TARGET}:pull,push`)}`,
      );
      expect(res.status).toBe(200);
      const { token } = (await res.json()) as { token: string };
      expect(claimsOf(token)).toMatchObject({ sub: 'mallory', access: [] });
      await expectOciChallenge(
        await v2(token, 'GET', `${TARGET}/manifests/v1`),
        `repository:${TARGET}:pull`,
        true,
      );
    });

    it('gives anonymous callers pull on a public project and never push', async () => {
      const token = await tokenFor(undefined, 'repository:pub/app:pull,push,delete,*');
      expect(claimsOf(token).access).toEqual([
        { type: 'repository', name: 'pub/app', actions: ['pull'] },
      ]);
      expect((await v2(token, 'GET', 'pub/app/manifests/v1')).status).toBe(200);
      await expectOciChallenge(
        await v2(token, 'POST', 'pub/app/blobs/uploads/'),
        'repository:pub/app:pull,push',
        true,
      );
      expect(await tagsOf('pub/app')).toEqual(['v1']);
    });

    it('grants nothing for names that try to step out of a project', async () => {
      const grants: RegistryAccessEntry[][] = [];
      for (const name of ['alpha/../beta/app', 'alpha/./../beta/app', 'alpha//beta/app']) {
        const res = await tokenResponse(
          aliceAuth,
          `service=${SERVICE}&scope=${encodeURIComponent(`repository:${name}:pull,push`)}`,
        );
        expect([200, 400]).toContain(res.status);
        if (res.status === 200)
          grants.push(claimsOf(((await res.json()) as { token: string }).token).access);
      }
      for (const access of grants) expect(access).toEqual([]);
    });
  });

  describe('privilege escalation through user bodies', () => {
    const payload = {
      username: 'sneaky',
      email: 'sneaky@example.test',
      password: PASSWORD,
      realname: 'Sneaky',
      sysadmin_flag: true,
      has_admin_role: true,
      admin_role_in_auth: true,
    };

    it('refuses self-registration (401) and registration by a user (403), admin flag or not', async () => {
      await expectHarborError(await api(undefined, 'POST', '/users', payload), 401, 'UNAUTHORIZED');
      await expectHarborError(await api(malloryAuth, 'POST', '/users', payload), 403, 'FORBIDDEN');
      expect(await users.findByUsername('sneaky')).toBeNull();
    });

    it('creates no admin when a system admin’s request carries sysadmin_flag', async () => {
      const res = await api(admin, 'POST', '/users', { ...payload, username: 'plain' });
      expect(res.status).toBe(201);
      expect(await users.findByUsername('plain')).toMatchObject({ sysadmin: false });
      expect(await currentUser(basic('plain', PASSWORD))).toMatchObject({ sysadmin_flag: false });
      await expectHarborError(
        await api(basic('plain', PASSWORD), 'GET', '/users'),
        403,
        'FORBIDDEN',
      );
    });

    it('ignores sysadmin_flag, has_admin_role and identity fields in a user’s profile update', async () => {
      const res = await api(malloryAuth, 'PUT', `/users/${mallory.id}`, {
        realname: 'Mallory',
        sysadmin_flag: true,
        has_admin_role: true,
        admin_role_in_auth: true,
        user_id: 1,
        username: 'admin',
        password: 'Ch0sen-by-mallory',
        password_hash: 'scrypt$1$1$1$x$y',
      });
      expect(res.status).toBe(200);
      expect(await currentUser(malloryAuth)).toMatchObject({
        user_id: mallory.id,
        username: 'mallory',
        realname: 'Mallory',
        sysadmin_flag: false,
      });
      expect(await users.findById(1)).toMatchObject({ username: 'admin', sysadmin: true });
      await expectHarborError(await api(malloryAuth, 'GET', '/users'), 403, 'FORBIDDEN');
      expect((await api(admin, 'GET', '/users/current')).status).toBe(200);
    });

    it('refuses a user setting their own or another’s admin flag, profile or password', async () => {
      for (const [method, p, body] of [
        ['PUT', `/users/${mallory.id}/sysadmin`, { sysadmin_flag: true }],
        ['PUT', `/users/${alice.id}/sysadmin`, { sysadmin_flag: true }],
        ['PUT', `/users/${alice.id}`, { realname: 'owned', email: 'mallory@evil.test' }],
        ['PUT', '/users/1/password', { new_password: 'Mall0ry-Owns-You' }],
        ['PUT', `/users/${alice.id}/cli_secret`, { secret: 'Mall0ry-Chosen-1' }],
        ['DELETE', `/users/${alice.id}`, undefined],
      ] as const)
        await expectHarborError(await api(malloryAuth, method, p, body), 403, 'FORBIDDEN');
      expect(await users.findById(mallory.id)).toMatchObject({ sysadmin: false });
      expect(await users.findById(alice.id)).toMatchObject({
        sysadmin: false,
        realname: '',
        email: 'alice@example.test',
        cliSecretHash: null,
      });
      expect((await api(admin, 'GET', '/users/current')).status).toBe(200);
      expect((await api(aliceAuth, 'GET', '/users/current')).status).toBe(200);
    });
  });

  describe('user enumeration', () => {
    it('lists users and shows other users’ records to no one but a system admin', async () => {
      await expectHarborError(await api(malloryAuth, 'GET', '/users'), 403, 'FORBIDDEN');
      await expectHarborError(await api(undefined, 'GET', '/users'), 401, 'UNAUTHORIZED');
      // Another user's id and an id nobody has get the same answer: no existence oracle.
      const existing = await api(malloryAuth, 'GET', `/users/${alice.id}`);
      const missing = await api(malloryAuth, 'GET', '/users/999999');
      const a = await expectHarborError(existing, 403, 'FORBIDDEN');
      const b = await expectHarborError(missing, 403, 'FORBIDDEN');
      expect(a).toBe(b);
      await expectHarborError(
        await api(undefined, 'GET', `/users/${alice.id}`),
        401,
        'UNAUTHORIZED',
      );
    });

    it('searches only by a name prefix, for signed-in users, showing ids and names only', async () => {
      await expectHarborError(
        await api(undefined, 'GET', '/users/search?username=a'),
        401,
        'UNAUTHORIZED',
      );
      await expectHarborError(await api(malloryAuth, 'GET', '/users/search'), 400, 'BAD_REQUEST');
      await expectHarborError(
        await api(malloryAuth, 'GET', '/users/search?username=%20'),
        400,
        'BAD_REQUEST',
      );
      const res = await api(malloryAuth, 'GET', '/users/search?username=ali&page_size=100');
      expect(res.status).toBe(200);
      const found = (await res.json()) as Array<Record<string, unknown>>;
      expect(found).toEqual([{ user_id: alice.id, username: 'alice' }]);
      const all = await api(malloryAuth, 'GET', '/users/search?username=%25&page_size=100');
      expect(all.status).toBe(200);
      expect(await all.json()).toEqual([]); // `%` is a character, not a wildcard
    });

    it('answers an unknown user exactly like a wrong password, at every door', async () => {
      forgetFailedLogins();
      const doors: Array<(user: string, pass: string) => Promise<Response>> = [
        (user, pass) => login(user, pass),
        (user, pass) => tokenResponse(basic(user, pass), `service=${SERVICE}`),
        (user, pass) => api(basic(user, pass), 'GET', '/users/current'),
        (user, pass) => api(basic(user, pass), 'GET', '/projects'),
      ];
      for (const door of doors) {
        const wrongPassword = await door('alice', 'Wr0ng-Password');
        const unknownUser = await door('nobody-here', 'Wr0ng-Password');
        const wrongRobot = await door('robot$alpha+nobody', 'Wr0ng-Password');
        expect(wrongPassword.status).toBe(401);
        const body = await wrongPassword.text();
        for (const res of [unknownUser, wrongRobot]) {
          expect(res.status).toBe(401);
          expect(await res.text()).toBe(body);
        }
        expect(body).not.toMatch(/alice|nobody|exist|unknown user|not found/i);
      }
      forgetFailedLogins();
    });

    it('spends about as long on an unknown user as on a wrong password (one scrypt each)', async () => {
      forgetFailedLogins();
      const median = async (user: string): Promise<number> => {
        const times: number[] = [];
        for (let i = 0; i < 3; i++) {
          const t0 = performance.now();
          expect(
            (await tokenResponse(basic(user, `Wr0ng-${i}`), `service=${SERVICE}`)).status,
          ).toBe(401);
          times.push(performance.now() - t0);
        }
        return times.sort((x, y) => x - y)[1];
      };
      const known = await median('alice');
      const unknown = await median('no-such-user');
      // Coarse on purpose: without the dummy scrypt an unknown user answers ~100 times faster.
      expect(unknown).toBeGreaterThan(known / 4);
      forgetFailedLogins();
    });
  });

  describe('session writes without the CSRF header', () => {
    const session = async (username: string): Promise<{ cookie: string; csrf: string }> => {
      const res = await login(username, PASSWORD);
      expect(res.status).toBe(200);
      return {
        cookie: (res.headers.get('set-cookie') ?? '').split(';')[0],
        csrf: res.headers.get('x-harbor-csrf-token') ?? '',
      };
    };

    it('refuses cookie-authenticated writes without the session’s own CSRF token, and changes nothing', async () => {
      const mine = await session('mallory');
      const theirs = await session('alice');
      expect(theirs.csrf).not.toBe(mine.csrf);
      const writes = (headers: Record<string, string>) => [
        api(undefined, 'PUT', `/users/${mallory.id}`, { realname: 'csrf-victim' }, headers),
        api(undefined, 'POST', '/projects', { project_name: 'csrf-made' }, headers),
        api(
          undefined,
          'PUT',
          '/users/current/password',
          {
            old_password: PASSWORD,
            new_password: 'Csrf-Chosen-Passw0rd',
          },
          headers,
        ),
      ];
      const refused: Array<Record<string, string>> = [
        { cookie: mine.cookie },
        { cookie: mine.cookie, 'x-harbor-csrf-token': '' },
        { cookie: mine.cookie, 'x-harbor-csrf-token': theirs.csrf },
        { cookie: mine.cookie, 'x-harbor-csrf-token': mine.csrf.slice(0, -1) },
        { cookie: mine.cookie, 'x-harbor-csrf-token': `${mine.csrf}x` },
      ];
      for (const headers of refused)
        for (const res of await Promise.all(writes(headers)))
          await expectHarborError(res, 403, 'FORBIDDEN');
      expect(await users.findById(mallory.id)).toMatchObject({ realname: 'Mallory' });
      expect(
        (await api(admin, 'GET', '/projects?name=csrf-made')).headers.get('x-total-count'),
      ).toBe('0');
      expect((await api(malloryAuth, 'GET', '/users/current')).status).toBe(200); // password kept
      // Reads need no token, and the right token lets the same write through.
      expect(
        (await api(undefined, 'GET', '/users/current', undefined, { cookie: mine.cookie })).status,
      ).toBe(200);
      const ok = await api(
        undefined,
        'PUT',
        `/users/${mallory.id}`,
        { realname: 'Mallory' },
        { cookie: mine.cookie, 'x-harbor-csrf-token': mine.csrf },
      );
      expect(ok.status).toBe(200);
    });
  });

  describe('SQL metacharacters in q and sort', () => {
    const LISTS = [
      ['projects', '/projects', 'name'],
      ['users', '/users', 'username'],
      ['repositories', '/projects/alpha/repositories', 'name'],
      ['artifacts', '/projects/alpha/repositories/app/artifacts', 'digest'],
      ['tags', '/projects/alpha/repositories/app/artifacts/v1/tags', 'name'],
    ] as const;
    const totalOf = async (p: string): Promise<number> => {
      const res = await api(admin, 'GET', p);
      expect(res.status).toBe(200);
      return Number(res.headers.get('x-total-count'));
    };

    it.each(LISTS)(
      'finds no extra %s for injected q values: a literal match or a 400, never a 500',
      async (_, p, field) => {
        const before = await totalOf(p);
        for (const value of [
          "~x' OR 1=1--",
          "x' OR '1'='1",
          "~x') OR ('1'='1",
          'x"; DROP TABLE project; --',
          '~\\',
          "~'",
          '~"',
          '{a\' b" c\\}',
          "(x' OR 1=1)",
          "[x'~y']",
          '~%',
          '~_',
          '~%%',
          '~*',
        ]) {
          const res = await api(admin, 'GET', `${p}?q=${encodeURIComponent(`${field}=${value}`)}`);
          expect(res.status, `${p} q=${field}=${value}`).not.toBe(500);
          if (res.status === 200) {
            expect(Number(res.headers.get('x-total-count'))).toBeLessThan(before);
            const rows = (await res.json()) as unknown[];
            expect(rows.length).toBeLessThan(before);
          } else await expectHarborError(res, 400, 'BAD_REQUEST');
        }
        expect(await totalOf(p)).toBe(before);
      },
    );

    it.each(LISTS)('refuses injected sort terms on %s with 400', async (_, p, field) => {
      for (const sort of [
        `${field};DROP TABLE project`,
        `${field} DESC`,
        `${field}--`,
        '(select 1)',
        `${field},1`,
        `"${field}"`,
        "name'",
        'CASE WHEN 1=1 THEN name END',
      ])
        await expectHarborError(
          await api(admin, 'GET', `${p}?sort=${encodeURIComponent(sort)}`),
          400,
          'BAD_REQUEST',
        );
      expect((await api(admin, 'GET', p)).status).toBe(200);
    });

    it('treats _ and % in a fuzzy match as literal characters', async () => {
      const names = async (p: string, key: string): Promise<string[]> => {
        const res = await api(admin, 'GET', p);
        expect(res.status).toBe(200);
        return ((await res.json()) as Array<Record<string, string>>).map((r) => r[key]).sort();
      };
      expect(await names('/projects?q=name%3D~lit_ab', 'name')).toEqual(['lit_ab']);
      expect(await names('/projects?name=lit_ab', 'name')).toEqual(['lit_ab']);
      expect(await names('/projects?q=name%3D~lit%25ab', 'name')).toEqual([]);
      expect(await names('/users?q=username%3D~lit_ab', 'username')).toEqual(['lit_ab']);
      expect(await names('/users/search?username=lit_', 'username')).toEqual(['lit_ab']);
      expect(await names('/projects/alpha/repositories?q=name%3D~a_b', 'name')).toEqual([
        'alpha/a_b',
      ]);
      expect(await names('/projects/alpha/repositories?q=name%3D~%25', 'name')).toEqual([]);
    });

    it('answers robots’ q with injected values by a 400 or no robots', async () => {
      for (const q of [
        "Level=project' OR '1'='1",
        'Level=system;DROP TABLE robot',
        'ProjectID=1 OR 1=1',
        "ProjectID=1'",
        'Level=~%',
      ]) {
        const res = await api(admin, 'GET', `/robots?q=${encodeURIComponent(q)}`);
        expect(res.status, q).not.toBe(500);
        if (res.status === 200) expect(await res.json()).toEqual([]);
        else await expectHarborError(res, 400, 'BAD_REQUEST');
      }
    });
  });

  describe('filters on credentials', () => {
    it.each([
      'password',
      'password_hash',
      'salt',
      'secret',
      'cli_secret',
      'cli_secret_hash',
      'passwordHash',
      'cliSecretHash',
      'sysadmin_flag',
    ])('refuses users?q=%s=… with 400, matching or not (no oracle)', async (field) => {
      for (const value of ['~scrypt', '~zzzz', 'x', '[a~z]'])
        await expectHarborError(
          await api(admin, 'GET', `/users?q=${encodeURIComponent(`${field}=${value}`)}`),
          400,
          'BAD_REQUEST',
        );
      await expectHarborError(await api(admin, 'GET', `/users?sort=${field}`), 400, 'BAD_REQUEST');
    });

    it.each(['secret', 'secret_hash', 'secretHash', 'Secret', 'password', 'salt'])(
      'refuses robots?q=%s=… with 400',
      async (field) => {
        for (const value of ['~a', 'x'])
          await expectHarborError(
            await api(admin, 'GET', `/robots?q=${encodeURIComponent(`${field}=${value}`)}`),
            400,
            'BAD_REQUEST',
          );
      },
    );
  });

  it('is still serving, with the admin still the only admin', async () => {
    expect((await fetch(`${base}/api/v2.0/ping`)).status).toBe(200);
    const res = await api(admin, 'GET', '/users?page_size=100');
    const listed = (await res.json()) as Array<{ username: string; sysadmin_flag: boolean }>;
    expect(listed.filter((u) => u.sysadmin_flag).map((u) => u.username)).toEqual(['admin']);
    expect(await tagsOf(TARGET)).toEqual(['v1']);
  });
});
