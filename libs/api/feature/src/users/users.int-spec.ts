import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaViolations } from '@berth/api/domain';
import {
  hashPassword,
  identityDatabaseParts,
  StartSessionUseCase,
  UserRepository,
} from '@berth/identity/domain';
import { startService, type RunningService } from '@berth/platform/runtime';
import { freePort } from '@berth/platform/testing';
import { ApiFeatureModule } from '../api-feature.module';
import { openApiDocument } from '../openapi.document';

// The api app as apps/api runs it. Sessions are opened with the use case behind `/c/login`
// (the auth feature is out of this library's reach), and the admin password is set the way
// the auth feature's EnsureAdminUseCase sets it.
const ADMIN_PASSWORD = 'correct-horse-battery';
const PASSWORD = 'Passw0rdOfUser';
const NEW_PASSWORD = 'N3wPassw0rdOfUser';

const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const violations = (body: unknown, schemaName: string): string[] =>
  schemaViolations(
    body,
    { $ref: `#/components/schemas/${schemaName}` },
    openApiDocument.components.schemas,
  );

const listViolations = (body: unknown, schemaName: string): string[] =>
  schemaViolations(
    body,
    { type: 'array', items: { $ref: `#/components/schemas/${schemaName}` } },
    openApiDocument.components.schemas,
  );

interface Call {
  as?: string; // an Authorization header
  body?: unknown;
  headers?: Record<string, string>;
}

describe('Harbor users API (api app booted with startService)', () => {
  let dataDir: string;
  let service: RunningService;
  let users: UserRepository;
  let passwordHash: string;
  let seq = 0;
  const admin = basic('admin', ADMIN_PASSWORD);

  const call = (method: string, p: string, c: Call = {}): Promise<Response> =>
    fetch(`${service.url}/api/v2.0${p}`, {
      method,
      headers: {
        ...(c.as && { authorization: c.as }),
        ...(c.body !== undefined && { 'content-type': 'application/json' }),
        ...c.headers,
      },
      body: c.body === undefined ? undefined : JSON.stringify(c.body),
    });

  /** A fresh user straight in the table (one shared hash: no scrypt per user). */
  const freshUser = async (
    sysadmin = false,
  ): Promise<{ id: number; auth: string; name: string }> => {
    const name = `${sysadmin ? 'root' : 'user'}${++seq}`;
    const u = await users.create({
      username: name,
      email: `${name}@example.com`,
      realname: '',
      comment: '',
      passwordHash,
      sysadmin,
    });
    return { id: u.id, auth: basic(name, PASSWORD), name };
  };

  const expectError = async (res: Response, status: number, code: string): Promise<void> => {
    expect(res.status).toBe(status);
    const body = (await res.json()) as { errors: Array<{ code: string }> };
    expect(violations(body, 'Errors')).toEqual([]);
    expect(body.errors[0].code).toBe(code);
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-users-api-'));
    const port = await freePort();
    service = await startService(
      { name: 'api', features: [ApiFeatureModule], databaseParts: [identityDatabaseParts] },
      {
        BERTH_HTTP_PORT: String(port),
        BERTH_HTTP_HOST: '127.0.0.1',
        BERTH_DATA_DIR: dataDir,
        BERTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
        BERTH_LOG_LEVEL: 'silent',
      },
    );
    users = service.app.get(UserRepository);
    passwordHash = await hashPassword(PASSWORD);
    await users.setPasswordHashIfUnset(1, await hashPassword(ADMIN_PASSWORD));
  });
  afterAll(async () => {
    await service?.app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  describe('authorization: sysadmin, the user themself, another user, anonymous', () => {
    type Actor = 'sysadmin' | 'self' | 'other' | 'anonymous';
    interface Row {
      endpoint: string;
      method: string;
      /** The path, given the target user's id. */
      path: (id: number) => string;
      body?: () => unknown;
      expect: Record<Actor, number>;
    }
    const rows: Row[] = [
      {
        endpoint: 'list users',
        method: 'GET',
        path: () => '/users',
        expect: { sysadmin: 200, self: 403, other: 403, anonymous: 401 },
      },
      {
        endpoint: 'create user',
        method: 'POST',
        path: () => '/users',
        body: () => ({
          username: `new${++seq}`,
          email: `new${seq}@example.com`,
          password: PASSWORD,
        }),
        expect: { sysadmin: 201, self: 403, other: 403, anonymous: 401 },
      },
      {
        endpoint: 'current user',
        method: 'GET',
        path: () => '/users/current',
        expect: { sysadmin: 200, self: 200, other: 200, anonymous: 401 },
      },
      {
        endpoint: 'search users',
        method: 'GET',
        path: () => '/users/search?username=user',
        expect: { sysadmin: 200, self: 200, other: 200, anonymous: 401 },
      },
      {
        endpoint: 'own password',
        method: 'PUT',
        path: () => '/users/current/password',
        body: () => ({ old_password: PASSWORD, new_password: NEW_PASSWORD }),
        expect: { sysadmin: 200, self: 200, other: 200, anonymous: 401 },
      },
      {
        endpoint: 'get user',
        method: 'GET',
        path: (id) => `/users/${id}`,
        expect: { sysadmin: 200, self: 200, other: 403, anonymous: 401 },
      },
      {
        endpoint: 'update profile',
        method: 'PUT',
        path: (id) => `/users/${id}`,
        body: () => ({ realname: 'Changed' }),
        expect: { sysadmin: 200, self: 200, other: 403, anonymous: 401 },
      },
      {
        endpoint: 'delete user',
        method: 'DELETE',
        path: (id) => `/users/${id}`,
        expect: { sysadmin: 200, self: 403, other: 403, anonymous: 401 },
      },
      {
        endpoint: 'change password',
        method: 'PUT',
        path: (id) => `/users/${id}/password`,
        body: () => ({ old_password: PASSWORD, new_password: NEW_PASSWORD }),
        expect: { sysadmin: 200, self: 200, other: 403, anonymous: 401 },
      },
      {
        endpoint: 'set sysadmin',
        method: 'PUT',
        path: (id) => `/users/${id}/sysadmin`,
        body: () => ({ sysadmin_flag: true }),
        expect: { sysadmin: 200, self: 403, other: 403, anonymous: 401 },
      },
      {
        endpoint: 'set CLI secret',
        method: 'PUT',
        path: (id) => `/users/${id}/cli_secret`,
        body: () => ({ secret: 'Cl1SecretChosen' }),
        expect: { sysadmin: 200, self: 200, other: 403, anonymous: 401 },
      },
      {
        endpoint: 'generate CLI secret',
        method: 'PUT',
        path: (id) => `/users/${id}/cli_secret`,
        expect: { sysadmin: 200, self: 200, other: 403, anonymous: 401 },
      },
      {
        endpoint: 'get unknown user',
        method: 'GET',
        path: () => '/users/999999',
        expect: { sysadmin: 404, self: 403, other: 403, anonymous: 401 },
      },
      {
        endpoint: 'delete unknown user',
        method: 'DELETE',
        path: () => '/users/999999',
        expect: { sysadmin: 404, self: 403, other: 403, anonymous: 401 },
      },
    ];
    const cases = rows.flatMap((row) =>
      (['sysadmin', 'self', 'other', 'anonymous'] as const).map(
        (actor) => [row.endpoint, actor, row.expect[actor], row] as const,
      ),
    );

    it.each(cases)('%s as %s → %i', async (_endpoint, actor, status, row) => {
      // Fresh accounts per case, so no case's writes (a deleted user, a new password) leak into another.
      const [sysadmin, self, other] = [await freshUser(true), await freshUser(), await freshUser()];
      const as = {
        sysadmin: sysadmin.auth,
        self: self.auth,
        other: other.auth,
        anonymous: undefined,
      }[actor];
      const res = await call(row.method, row.path(self.id), { as, body: row.body?.() });
      expect(res.status).toBe(status);
      if (status >= 400)
        await expectError(
          res,
          status,
          res.status === 401 ? 'UNAUTHORIZED' : res.status === 403 ? 'FORBIDDEN' : 'NOT_FOUND',
        );
    });
  });

  describe('attacks', () => {
    it('ignores sysadmin_flag and has_admin_role in a profile update', async () => {
      const alice = await freshUser();
      const res = await call('PUT', `/users/${alice.id}`, {
        as: alice.auth,
        body: { realname: 'Alice', sysadmin_flag: true, has_admin_role: true, username: 'admin' },
      });
      expect(res.status).toBe(200);
      const me = (await (await call('GET', '/users/current', { as: alice.auth })).json()) as Record<
        string,
        unknown
      >;
      expect(me).toMatchObject({
        user_id: alice.id,
        username: alice.name,
        realname: 'Alice',
        sysadmin_flag: false,
      });
      await expectError(await call('GET', '/users', { as: alice.auth }), 403, 'FORBIDDEN');
    });

    it('lists users for no one but a system admin', async () => {
      const bob = await freshUser();
      await expectError(await call('GET', '/users', { as: bob.auth }), 403, 'FORBIDDEN');
      await expectError(await call('GET', '/users'), 401, 'UNAUTHORIZED');
    });

    it('shows neither hashes nor secrets, and search shows no emails', async () => {
      const carol = await freshUser();
      await call('PUT', `/users/${carol.id}/cli_secret`, {
        as: carol.auth,
        body: { secret: 'Cl1SecretOfCarol' },
      });
      const list = await call('GET', `/users?q=username%3D${carol.name}`, { as: admin });
      const text = await list.text();
      expect(text).not.toMatch(/scrypt|password|secret|Cl1SecretOfCarol/i);
      const search = await call('GET', `/users/search?username=${carol.name}`, { as: carol.auth });
      const found = (await search.json()) as Array<Record<string, unknown>>;
      expect(found).toEqual([{ user_id: carol.id, username: carol.name }]);
      expect(listViolations(found, 'UserSearchRespItem')).toEqual([]);
      expect(JSON.stringify(found)).not.toContain('@');
      await expectError(await call('GET', '/users/search', { as: carol.auth }), 400, 'BAD_REQUEST');
    });

    it('refuses a session write without the CSRF header, and takes it with one', async () => {
      const dave = await freshUser();
      const session = await service.app.get(StartSessionUseCase).execute(dave.name, PASSWORD);
      const cookie = `sid=${session.sessionId}`;
      expect((await call('GET', '/users/current', { headers: { cookie } })).status).toBe(200);
      const noCsrf = await call('PUT', `/users/${dave.id}`, {
        headers: { cookie },
        body: { realname: 'D' },
      });
      await expectError(noCsrf, 403, 'FORBIDDEN');
      const wrongCsrf = await call('PUT', `/users/${dave.id}`, {
        headers: { cookie, 'x-harbor-csrf-token': 'x'.repeat(43) },
        body: { realname: 'D' },
      });
      await expectError(wrongCsrf, 403, 'FORBIDDEN');
      const withCsrf = await call('PUT', '/users/current/password', {
        headers: { cookie, 'x-harbor-csrf-token': session.csrfToken },
        body: { old_password: PASSWORD, new_password: NEW_PASSWORD },
      });
      expect(withCsrf.status).toBe(200);
      expect((await call('GET', '/users/current', { as: dave.auth })).status).toBe(401);
      expect(
        (await call('GET', '/users/current', { as: basic(dave.name, NEW_PASSWORD) })).status,
      ).toBe(200);
    });

    it.each([
      'q=password%3D~a',
      'q=salt%3Dx',
      'q=password_hash%3Dx',
      'q=cli_secret_hash%3Dx',
      'q=sysadmin_flag%3Dtrue',
      'sort=password',
      'sort=salt',
      'sort=username%20desc',
      'sort=username%3BDROP%20TABLE%20%22user%22',
      'sort=(select%201)',
      'q=username',
    ])('answers %s with 400', async (query) => {
      await expectError(await call('GET', `/users?${query}`, { as: admin }), 400, 'BAD_REQUEST');
    });

    it.each([
      "username=~' OR '1'='1",
      'username=x\'; DROP TABLE "user"; --',
      'email=~%_',
      'username={a" b\'}',
      'username=[a~z]',
      'email=\\~x',
    ])('treats q=%s as plain values, never a 500', async (q) => {
      const res = await call('GET', `/users?q=${encodeURIComponent(q)}`, { as: admin });
      expect(res.status).toBe(200);
      const listed = (await res.json()) as unknown[];
      expect(listViolations(listed, 'UserResp')).toEqual([]);
      if (!q.includes('[')) expect(res.headers.get('x-total-count')).toBe('0');
      expect((await call('GET', '/users/current', { as: admin })).status).toBe(200); // table intact
    });

    it('treats SQL metacharacters in a search as a plain prefix', async () => {
      for (const username of ["' OR 1=1 --", '%', '_', '\\']) {
        const res = await call('GET', `/users/search?username=${encodeURIComponent(username)}`, {
          as: admin,
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('x-total-count')).toBe('0');
      }
    });

    it('refuses a wrong old password with 403, and a missing one for oneself', async () => {
      const erin = await freshUser();
      const wrong = await call('PUT', `/users/${erin.id}/password`, {
        as: erin.auth,
        body: { old_password: 'Wr0ngPassword', new_password: NEW_PASSWORD },
      });
      await expectError(wrong, 403, 'FORBIDDEN');
      const missing = await call('PUT', `/users/${erin.id}/password`, {
        as: erin.auth,
        body: { new_password: NEW_PASSWORD },
      });
      await expectError(missing, 403, 'FORBIDDEN');
      const weak = await call('PUT', `/users/${erin.id}/password`, {
        as: erin.auth,
        body: { old_password: PASSWORD, new_password: 'weak' },
      });
      await expectError(weak, 400, 'BAD_REQUEST');
      expect((await call('GET', '/users/current', { as: erin.auth })).status).toBe(200);
    });

    it('refuses bad bodies and ids with Harbor’s errors', async () => {
      const base = { username: 'valid', email: 'valid@example.com', password: PASSWORD };
      for (const body of [
        { ...base, username: 'bad#name' },
        { ...base, email: 'not-an-email' },
        { ...base, password: 'short' },
        { ...base, comment: 'x'.repeat(31) },
        { email: 'x@example.com', password: PASSWORD },
        [base],
        'text',
      ]) {
        await expectError(await call('POST', '/users', { as: admin, body }), 400, 'BAD_REQUEST');
      }
      const fred = await freshUser();
      await expectError(
        await call('POST', '/users', { as: admin, body: { ...base, username: fred.name } }),
        409,
        'CONFLICT',
      );
      await expectError(
        await call('POST', '/users', {
          as: admin,
          body: { ...base, email: `${fred.name}@example.com` },
        }),
        409,
        'CONFLICT',
      );
      await expectError(
        await call('PUT', `/users/${fred.id}/sysadmin`, {
          as: admin,
          body: { sysadmin_flag: 'yes' },
        }),
        400,
        'BAD_REQUEST',
      );
      await expectError(
        await call('GET', '/users/abc', { as: admin }),
        422,
        'UNPROCESSABLE_ENTITY',
      );
      await expectError(
        await call('GET', '/users/1e3', { as: admin }),
        422,
        'UNPROCESSABLE_ENTITY',
      );
      await expectError(await call('DELETE', '/users/1', { as: admin }), 403, 'FORBIDDEN'); // not oneself
      await expectError(
        await call('PATCH', `/users/${fred.id}`, { as: admin, body: {} }),
        405,
        'METHOD_NOT_ALLOWED',
      );
    });
  });

  it('answers requests shaped as Harbor’s swagger shows them', async () => {
    const created = await call('POST', '/users', {
      as: admin,
      body: {
        username: 'devops-jane',
        email: 'jane@example.com',
        realname: 'Jane Doe',
        password: 'Harb0r12345',
        comment: 'ci',
      },
    });
    expect(created.status).toBe(201);
    const location = created.headers.get('location') ?? '';
    expect(location).toMatch(/^\/api\/v2\.0\/users\/\d+$/);
    const id = Number(location.split('/').pop());

    const got = await call('GET', `/users/${id}`, { as: admin });
    const jane = (await got.json()) as Record<string, unknown>;
    expect(violations(jane, 'UserResp')).toEqual([]);
    expect(jane).toMatchObject({
      user_id: id,
      username: 'devops-jane',
      email: 'jane@example.com',
      realname: 'Jane Doe',
      comment: 'ci',
      sysadmin_flag: false,
      admin_role_in_auth: false,
    });

    const listed = await call(
      'GET',
      '/users?page=1&page_size=1&q=username%3D~devops&sort=-creation_time',
      { as: admin },
    );
    expect(listed.status).toBe(200);
    expect(listed.headers.get('x-total-count')).toBe('1');
    const page = (await listed.json()) as Array<Record<string, unknown>>;
    expect(page.map((u) => u.username)).toEqual(['devops-jane']);
    expect(listViolations(page, 'UserResp')).toEqual([]);

    const all = await call('GET', '/users?page=1&page_size=2', { as: admin });
    expect(all.headers.get('link')).toContain('rel="next"');
    expect(Number(all.headers.get('x-total-count'))).toBeGreaterThan(2);

    const searched = await call('GET', '/users/search?username=devops&page=1&page_size=10', {
      as: basic('devops-jane', 'Harb0r12345'),
    });
    expect(await searched.json()).toEqual([{ user_id: id, username: 'devops-jane' }]);

    expect(
      (
        await call('PUT', `/users/${id}`, {
          as: admin,
          body: { email: 'jane@corp.example', realname: 'Jane D.', comment: 'updated' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('PUT', `/users/${id}/password`, {
          as: admin,
          body: { new_password: 'Harb0r67890' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('PUT', `/users/${id}/password`, {
          as: basic('devops-jane', 'Harb0r67890'),
          body: { old_password: 'Harb0r67890', new_password: 'Harb0rABCDE1' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('PUT', `/users/${id}/cli_secret`, {
          as: admin,
          body: { secret: 'Cl1SecretOfJane' },
        })
      ).status,
    ).toBe(200);
    const viaSecret = await call('GET', '/users/current', {
      as: basic('devops-jane', 'Cl1SecretOfJane'),
    });
    expect(((await viaSecret.json()) as Record<string, unknown>).email).toBe('jane@corp.example');

    const generated = await call('PUT', `/users/${id}/cli_secret`, {
      as: basic('devops-jane', 'Harb0rABCDE1'),
    });
    expect(generated.status).toBe(200);
    const { secret } = (await generated.json()) as { secret: string };
    expect(secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect((await call('GET', '/users/current', { as: basic('devops-jane', secret) })).status).toBe(
      200,
    );
    expect(
      (await call('GET', '/users/current', { as: basic('devops-jane', 'Cl1SecretOfJane') })).status,
    ).toBe(401);

    expect(
      (await call('PUT', `/users/${id}/sysadmin`, { as: admin, body: { sysadmin_flag: true } }))
        .status,
    ).toBe(200);
    expect((await call('GET', '/users', { as: basic('devops-jane', 'Harb0rABCDE1') })).status).toBe(
      200,
    );
    expect(
      (await call('PUT', `/users/${id}/sysadmin`, { as: admin, body: { sysadmin_flag: false } }))
        .status,
    ).toBe(200);

    expect((await call('DELETE', `/users/${id}`, { as: admin })).status).toBe(200);
    await expectError(await call('GET', `/users/${id}`, { as: admin }), 404, 'NOT_FOUND');
    expect(
      (await call('GET', '/users/current', { as: basic('devops-jane', 'Harb0rABCDE1') })).status,
    ).toBe(401);
  });
});
