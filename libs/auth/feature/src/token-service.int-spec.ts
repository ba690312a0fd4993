import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_JWKS_PATH, type RegistryTokenClaims } from '@berth/contracts';
import { JwksClient, generateSigningKey, jwkThumbprint, verifyJwt } from '@berth/platform/jwt';
import { identityDatabaseParts } from '@berth/identity/domain';
import { projectsDatabaseParts } from '@berth/projects/domain';
import { startService, type RunningService } from '@berth/platform/runtime';
import { freePort } from '@berth/platform/testing';
import { AuthFeatureModule } from './auth-feature.module';
import { authDatabaseParts } from './auth-database.parts';
import { SigningKeyRepository } from './signing-keys/signing-key.repository';

const PASSWORD = 'correct-horse-battery';
const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const claimsOf = (token: string): RegistryTokenClaims =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

describe('token service (auth app booted with startService)', () => {
  let dataDir: string;
  let port: number;
  let service: RunningService;
  let base: string;

  const boot = async (): Promise<RunningService> =>
    startService(
      {
        name: 'auth',
        features: [AuthFeatureModule],
        databaseParts: [authDatabaseParts, identityDatabaseParts, projectsDatabaseParts],
      },
      {
        BERTH_HTTP_PORT: String(port),
        BERTH_HTTP_HOST: '127.0.0.1',
        BERTH_DATA_DIR: dataDir,
        BERTH_ADMIN_PASSWORD: PASSWORD,
        BERTH_LOG_LEVEL: 'silent',
      },
    );
  const token = (query: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${base}/service/token?${query}`, { headers });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-auth-'));
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    service = await boot();
  });
  afterAll(async () => {
    await service?.app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves its public signing key as a JWKS, with the RFC 7638 thumbprint as kid', async () => {
    const res = await fetch(`${base}${TOKEN_JWKS_PATH}`);
    expect(res.status).toBe(200);
    const jwks = (await res.json()) as { keys: Array<Record<string, string>> };
    expect(jwks.keys).toHaveLength(1);
    const [key] = jwks.keys;
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig', alg: 'ES256' });
    expect(key).not.toHaveProperty('d');
    expect(key.kid).toBe(jwkThumbprint({ kty: 'EC', crv: 'P-256', x: key.x, y: key.y }));
  });

  it('gives admin a token granting every requested scope, verifiable against the live JWKS', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await token(
      'service=berth-registry&scope=repository:library/app:pull,push&scope=repository:team/x:delete&scope=registry:catalog:*',
      { authorization: basic('admin', PASSWORD) },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'issued_at', 'token']);
    expect(body.access_token).toBe(body.token);
    expect(body.expires_in).toBe(1800);
    expect(Date.parse(String(body.issued_at))).not.toBeNaN();

    const verified = await verifyJwt(
      String(body.token),
      new JwksClient(`${base}${TOKEN_JWKS_PATH}`).resolve,
      { audience: 'berth-registry', issuer: 'berth-token-issuer' },
    );
    expect(verified.header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    const claims = verified.payload as unknown as RegistryTokenClaims;
    expect(claims).toMatchObject({
      iss: 'berth-token-issuer',
      sub: 'admin',
      aud: 'berth-registry',
    });
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.exp).toBe(claims.iat + 1800);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.access).toEqual([
      { type: 'repository', name: 'library/app', actions: ['pull', 'push'] },
      { type: 'repository', name: 'team/x', actions: ['delete'] },
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ]);
  });

  it.each([
    ['a wrong password', basic('admin', 'wrong-password')],
    ['an unknown user with the admin password', basic('root', PASSWORD)],
    ['a malformed header', 'Basic %%%'],
  ])('answers %s with 401 and no token', async (_name, authorization) => {
    const res = await token('service=berth-registry&scope=repository:a:pull', { authorization });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: 'invalid credentials' }] });
  });

  it('gives an anonymous caller a token granting nothing', async () => {
    const res = await token('service=berth-registry&scope=repository:library/app:pull');
    expect(res.status).toBe(200);
    const claims = claimsOf(String(((await res.json()) as { token: string }).token));
    expect(claims.sub).toBe('');
    expect(claims.access).toEqual([]);
  });

  it('refuses another service, and malformed scopes, with 400 and no token', async () => {
    const other = await token('service=other-registry&scope=repository:a:pull', {
      authorization: basic('admin', PASSWORD),
    });
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ errors: [{ code: 'BAD_REQUEST' }] });
    const bad = await token('service=berth-registry&scope=repository:A/../b:pull');
    expect(bad.status).toBe(400);
  });

  it('accepts the OAuth2 password grant as a form POST', async () => {
    const form = new URLSearchParams({
      grant_type: 'password',
      service: 'berth-registry',
      client_id: 'docker',
      username: 'admin',
      password: PASSWORD,
      scope: 'repository:library/app:pull repository:library/app:push',
    });
    const res = await fetch(`${base}/service/token`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; token: string };
    expect(body.token).toBe(body.access_token);
    expect(claimsOf(body.access_token).access).toEqual([
      { type: 'repository', name: 'library/app', actions: ['pull', 'push'] },
    ]);

    form.set('password', 'wrong-password');
    const wrong = await fetch(`${base}/service/token`, { method: 'POST', body: form });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).not.toHaveProperty('access_token');

    form.set('grant_type', 'client_credentials');
    const other = await fetch(`${base}/service/token`, { method: 'POST', body: form });
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('lets only one replica create the first signing key', async () => {
    const repository = service.app.get(SigningKeyRepository);
    const candidate = generateSigningKey();
    const inserted = await repository.insertIfGenerationFree({
      kid: candidate.kid,
      generation: 1,
      algorithm: 'ES256',
      privateJwk: '{}',
      createdAt: new Date().toISOString(),
      activatesAt: new Date().toISOString(),
    });
    expect(inserted).toBe(false);
    expect(await repository.findAll()).toHaveLength(1);
  });

  it('keeps its signing key across a restart on the same database', async () => {
    const kidOf = async (): Promise<string> => {
      const jwks = (await (await fetch(`${base}${TOKEN_JWKS_PATH}`)).json()) as {
        keys: Array<{ kid: string }>;
      };
      return jwks.keys[0].kid;
    };
    const before = await kidOf();
    const issued = await token('service=berth-registry', {
      authorization: basic('admin', PASSWORD),
    });
    const oldToken = ((await issued.json()) as { token: string }).token;
    await service.app.close();
    service = await boot();
    expect(await kidOf()).toBe(before);
    // Tokens issued before the restart still verify.
    await expect(
      verifyJwt(oldToken, new JwksClient(`${base}${TOKEN_JWKS_PATH}`).resolve, {
        audience: 'berth-registry',
        issuer: 'berth-token-issuer',
      }),
    ).resolves.toBeDefined();
  });
});
