import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryTokenClaims } from '@berth/contracts';
import {
  CreateUserUseCase,
  GenerateCliSecretUseCase,
  LoginThrottle,
  UpdateUserProfileUseCase,
  UserRepository,
  identityDatabaseParts,
  profileFromBody,
  type UserPrincipal,
} from '@berth/identity/domain';
import { projectsDatabaseParts } from '@berth/projects/domain';
import { startService, type RunningService } from '@berth/platform/runtime';
import { freePort } from '@berth/platform/testing';
import { AuthFeatureModule } from './auth-feature.module';
import { authDatabaseParts } from './auth-database.parts';

const ADMIN_PASSWORD = 'correct-horse-battery';
const ADMIN: UserPrincipal = { kind: 'user', id: 1, username: 'admin', sysadmin: true };
const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const claimsOf = (token: string): RegistryTokenClaims =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

describe('local users (auth app booted with startService)', () => {
  let dataDir: string;
  let service: RunningService;
  let base: string;
  let bob: UserPrincipal;
  const bobPassword = 'B0bsPassword';

  const token = (authorization: string): Promise<Response> =>
    fetch(`${base}/service/token?service=berth-registry&scope=repository:library/app:pull`, {
      headers: { authorization },
    });
  const login = (principal: string, password: string): Promise<Response> =>
    fetch(`${base}/c/login`, {
      method: 'POST',
      body: new URLSearchParams({ principal, password }),
    });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-users-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    service = await startService(
      {
        name: 'auth',
        features: [AuthFeatureModule],
        databaseParts: [authDatabaseParts, identityDatabaseParts, projectsDatabaseParts],
      },
      {
        BERTH_HTTP_PORT: String(port),
        BERTH_HTTP_HOST: '127.0.0.1',
        BERTH_DATA_DIR: dataDir,
        BERTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
        BERTH_LOG_LEVEL: 'silent',
      },
    );
  });
  afterAll(async () => {
    await service?.app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('has admin as user 1, a system admin, with the configured password', async () => {
    const admin = await service.app.get(UserRepository).findById(1);
    expect(admin).toMatchObject({ username: 'admin', sysadmin: true });
    const res = await token(basic('admin', ADMIN_PASSWORD));
    expect(res.status).toBe(200);
    expect(claimsOf(((await res.json()) as { token: string }).token)).toMatchObject({
      sub: 'admin',
      access: [{ type: 'repository', name: 'library/app', actions: ['pull'] }],
    });
  });

  it('lets admin create a user, who gets a registry token (granting nothing yet) with Basic auth', async () => {
    const created = await service.app
      .get(CreateUserUseCase)
      .execute(ADMIN, { username: 'bob', email: 'bob@example.com', password: bobPassword });
    bob = { kind: 'user', id: created.id, username: 'bob', sysadmin: false };
    expect(created.id).toBe(2);
    const res = await token(basic('bob', bobPassword));
    expect(res.status).toBe(200);
    const claims = claimsOf(((await res.json()) as { token: string }).token);
    expect(claims.sub).toBe('bob');
    expect(claims.access).toEqual([]);
  });

  it('gives a token for the CLI secret, and refuses a wrong password with 401', async () => {
    const secret = await service.app.get(GenerateCliSecretUseCase).execute(bob, bob.id);
    const withSecret = await token(basic('bob', secret));
    expect(withSecret.status).toBe(200);
    expect(claimsOf(((await withSecret.json()) as { token: string }).token).sub).toBe('bob');

    const wrong = await token(basic('bob', 'Wr0ngPassword'));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      errors: [{ code: 'UNAUTHORIZED', message: 'invalid credentials' }],
    });
  });

  it('does not let sysadmin_flag in a profile update escalate', async () => {
    await service.app
      .get(UpdateUserProfileUseCase)
      .execute(
        bob,
        bob.id,
        profileFromBody({ realname: 'Bob', sysadmin_flag: true, has_admin_role: true }),
      );
    expect(await service.app.get(UserRepository).findById(bob.id)).toMatchObject({
      realname: 'Bob',
      sysadmin: false,
    });
    const res = await token(basic('bob', bobPassword));
    expect(claimsOf(((await res.json()) as { token: string }).token).access).toEqual([]);
  });

  it('locks an account after 5 failures (429, even with the right password) and lifts the lock', async () => {
    await service.app
      .get(CreateUserUseCase)
      .execute(ADMIN, { username: 'carol', email: 'carol@example.com', password: 'Car0lPassword' });
    for (let i = 0; i < 5; i++) {
      expect((await token(basic('carol', `Wr0ng${i}xyz`))).status).toBe(401);
    }
    const locked = await token(basic('carol', 'Car0lPassword'));
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await login('carol', 'Car0lPassword')).status).toBe(429);
    expect((await token(basic('bob', bobPassword))).status).toBe(200); // other accounts unaffected

    const throttle = service.app.get(LoginThrottle);
    const realClock = throttle.clock;
    throttle.clock = { now: () => Date.now() + 10 * 60_000 };
    try {
      expect((await token(basic('carol', 'Car0lPassword'))).status).toBe(200);
    } finally {
      throttle.clock = realClock;
    }
  });

  it('logs in with a session cookie and the CSRF token, and logs out', async () => {
    expect((await login('bob', 'Wr0ngPassword')).status).toBe(401);
    const res = await login('bob', bobPassword);
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(
      /^sid=[A-Za-z0-9]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/,
    );
    expect(res.headers.get('x-harbor-csrf-token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Writes with the session (and their CSRF check) are tested with the users API, in the api feature.

    const out = await fetch(`${base}/c/log_out`, { headers: { cookie: setCookie.split(';')[0] } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^sid=; .*Max-Age=0/);
  });
});
