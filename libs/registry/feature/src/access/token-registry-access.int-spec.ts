import { createHmac, createPublicKey, sign } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_JWKS_PATH } from '@berth/contracts';
import { OciError } from '@berth/oci';
import { ConfigModule, loadConfig } from '@berth/platform/config';
import {
  exportPublicJwk,
  generateSigningKey,
  importSigningKey,
  signJwt,
  type JwtPayload,
} from '@berth/platform/jwt';
import {
  freePort,
  spawnProcess,
  waitFor,
  workspaceRoot,
  type SpawnedProcess,
} from '@berth/platform/testing';
import { REGISTRY_ACCESS, type RegistryAccess } from '@berth/registry/domain';
import { RegistryAccessModule } from './registry-access.module';

const PASSWORD = 'correct-horse-battery';
const SCOPE = 'repository:library/app:pull';
const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

// The auth app runs as its own process, as in distributed mode; the registry side only sees its JWKS.
describe('TokenRegistryAccess against a live auth app', () => {
  let dataDir: string;
  let auth: SpawnedProcess;
  let authUrl: string;
  let access: RegistryAccess;
  let close: () => Promise<void>;
  let trustedKid: string;
  let trustedPublicPem: string;

  const issued = async (query: string, authorization?: string): Promise<string> => {
    const res = await fetch(`${authUrl}/service/token?${query}`, {
      headers: authorization ? { authorization } : {},
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  };
  const adminAuth = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
  const validClaims = (extra: JwtPayload = {}): JwtPayload => {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: 'berth-token-issuer',
      sub: 'admin',
      aud: 'berth-registry',
      iat: now,
      nbf: now,
      exp: now + 300,
      jti: 'x',
      access: [{ type: 'repository', name: 'library/app', actions: ['*'] }],
      ...extra,
    };
  };
  /** The auth app's private key, read from its database: what a forger would need. */
  const trustedSigningKey = () => {
    const db = new Database(path.join(dataDir, 'berth.db'), { readonly: true });
    try {
      const row = db
        .prepare('SELECT private_jwk FROM auth_signing_key WHERE generation = 1')
        .get() as {
        private_jwk: string;
      };
      return importSigningKey(JSON.parse(row.private_jwk));
    } finally {
      db.close();
    }
  };
  const refusal = async (token: string): Promise<OciError> => {
    const outcome: unknown = await access.authenticate(`Bearer ${token}`, SCOPE).then(
      () => new Error('token was accepted'),
      (e: unknown) => e,
    );
    if (!(outcome instanceof OciError)) throw outcome;
    return outcome;
  };
  const expectRefused = async (token: string): Promise<void> => {
    const e = await refusal(token);
    expect(e.code).toBe('UNAUTHORIZED');
    expect(e.status).toBe(401);
    expect(e.headers['WWW-Authenticate']).toBe(
      `Bearer realm="https://registry.example/service/token",service="berth-registry",scope="${SCOPE}"`,
    );
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-access-'));
    const port = await freePort();
    authUrl = `http://127.0.0.1:${port}`;
    auth = spawnProcess('node', ['-r', '@swc-node/register', 'apps/auth/src/main.ts'], {
      cwd: workspaceRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        BERTH_HTTP_PORT: String(port),
        BERTH_HTTP_HOST: '127.0.0.1',
        BERTH_DATA_DIR: dataDir,
        BERTH_ADMIN_PASSWORD: PASSWORD,
        BERTH_LOG_LEVEL: 'silent',
      },
    });
    const jwks = await waitFor(
      async () => {
        const res = await fetch(`${authUrl}${TOKEN_JWKS_PATH}`).catch(() => undefined);
        return res?.ok
          ? ((await res.json()) as { keys: Array<Record<string, string>> })
          : undefined;
      },
      60_000,
      200,
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${auth.output()}`);
    });
    trustedKid = jwks.keys[0].kid;
    trustedPublicPem = String(
      createPublicKey({ key: jwks.keys[0], format: 'jwk' }).export({ format: 'pem', type: 'spki' }),
    );

    @Module({
      imports: [
        ConfigModule.forRoot(
          loadConfig({ BERTH_AUTH_URL: authUrl, BERTH_EXTERNAL_URL: 'https://registry.example' }),
        ),
        RegistryAccessModule,
      ],
    })
    class RegistrySideModule {}
    const context = await NestFactory.createApplicationContext(RegistrySideModule, {
      logger: false,
    });
    access = context.get<RegistryAccess>(REGISTRY_ACCESS);
    close = () => context.close();
  });
  afterAll(async () => {
    await close?.();
    auth?.signal('SIGTERM');
    await auth?.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('accepts an admin token from the token endpoint and returns its access', async () => {
    const token = await issued(
      'service=berth-registry&scope=repository:library/app:pull,push&scope=registry:catalog:*',
      adminAuth,
    );
    await expect(access.authenticate(`Bearer ${token}`)).resolves.toEqual({
      subject: 'admin',
      access: [
        { type: 'repository', name: 'library/app', actions: ['pull', 'push'] },
        { type: 'registry', name: 'catalog', actions: ['*'] },
      ],
    });
  });

  it('accepts an anonymous token, which grants nothing', async () => {
    const token = await issued(`service=berth-registry&scope=${SCOPE}`);
    await expect(access.authenticate(`Bearer ${token}`)).resolves.toEqual({ access: [] });
  });

  it('refuses a missing Authorization header with the challenge', async () => {
    await expect(access.authenticate(undefined, SCOPE)).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await expectRefused('');
  });

  it('refuses alg none', async () => {
    await expectRefused(
      `${part({ alg: 'none', typ: 'JWT', kid: trustedKid })}.${part(validClaims())}.`,
    );
  });

  it('refuses HS256 signed with the public key as the HMAC secret', async () => {
    const input = `${part({ alg: 'HS256', typ: 'JWT', kid: trustedKid })}.${part(validClaims())}`;
    const mac = createHmac('sha256', trustedPublicPem).update(input).digest('base64url');
    await expectRefused(`${input}.${mac}`);
  });

  it('refuses a jwk header carrying an attacker key under the trusted kid', async () => {
    const attacker = generateSigningKey();
    const header = {
      alg: 'ES256',
      typ: 'JWT',
      kid: trustedKid,
      jwk: exportPublicJwk(attacker.publicKey),
    };
    const input = `${part(header)}.${part(validClaims())}`;
    const sig = sign('sha256', Buffer.from(input), {
      key: attacker.privateKey,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64url');
    await expectRefused(`${input}.${sig}`);
  });

  it('refuses a token signed by an unknown key', async () => {
    await expectRefused(signJwt(validClaims(), generateSigningKey()));
  });

  it('refuses an expired token and one for another audience, though signed by the trusted key', async () => {
    const key = trustedSigningKey();
    expect(key.kid).toBe(trustedKid);
    await expect(
      access.authenticate(`Bearer ${signJwt(validClaims(), key)}`),
    ).resolves.toBeDefined();
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(
      signJwt(validClaims({ iat: now - 600, nbf: now - 600, exp: now - 60 }), key),
    );
    await expectRefused(signJwt(validClaims({ aud: 'another-service' }), key));
    await expectRefused(signJwt(validClaims({ iss: 'another-issuer' }), key));
  });
});
