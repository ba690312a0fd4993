import { InMemoryRobotRepository } from '../robots/robot.repository';
import { describe, expect, it } from 'vitest';
import { RequestAuthenticator } from '../request-authenticator';
import { PASSWORD, seededIdentity } from '../testing/in-memory-identity';
import { EndSessionUseCase } from './end-session.usecase';
import { StartSessionUseCase } from './start-session.usecase';
import { VerifyCredentialsUseCase } from './verify-credentials.usecase';

const basic = (u: string, p: string): string =>
  `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('sessions and RequestAuthenticator', () => {
  const setup = async () => {
    const id = await seededIdentity();
    const verify = new VerifyCredentialsUseCase(
      id.users,
      id.throttle,
      new InMemoryRobotRepository(),
    );
    return {
      ...id,
      start: new StartSessionUseCase(verify, id.sessions, id.loginAudit),
      end: new EndSessionUseCase(id.sessions, id.users, id.loginAudit),
      auth: new RequestAuthenticator(verify, id.users, id.sessions, id.loginAudit),
    };
  };

  it('opens a session stored only as a hash, and authenticates its cookie', async () => {
    const { start, sessions, auth, alice } = await setup();
    const s = await start.execute('alice', PASSWORD, '::1');
    expect(s.sessionId).toHaveLength(43);
    expect([...sessions.rows.keys()]).not.toContain(s.sessionId);
    const cookie = `other=1; sid=${s.sessionId}`;
    expect(await auth.authenticateRequest({ method: 'GET', headers: { cookie } })).toEqual({
      principal: alice,
      via: 'session',
      csrfToken: s.csrfToken,
    });
  });

  it('requires the CSRF token on unsafe methods with a cookie, not with Basic auth', async () => {
    const { start, auth } = await setup();
    const s = await start.execute('alice', PASSWORD);
    const cookie = `sid=${s.sessionId}`;
    await expect(
      auth.authenticateRequest({ method: 'PUT', headers: { cookie } }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      auth.authenticateRequest({
        method: 'PUT',
        headers: { cookie, 'x-harbor-csrf-token': 'forged' },
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      auth.authenticateRequest({
        method: 'PUT',
        headers: { cookie, 'x-harbor-csrf-token': s.csrfToken },
      }),
    ).resolves.toMatchObject({ via: 'session' });
    await expect(
      auth.authenticateRequest({
        method: 'PUT',
        headers: { authorization: basic('alice', PASSWORD) },
      }),
    ).resolves.toMatchObject({ via: 'basic' });
  });

  it('treats an ended or unknown session as anonymous, and bad Basic auth as 401', async () => {
    const { start, end, auth } = await setup();
    const s = await start.execute('alice', PASSWORD);
    await end.execute(s.sessionId);
    expect(
      await auth.authenticateRequest({ method: 'GET', headers: { cookie: `sid=${s.sessionId}` } }),
    ).toEqual({ principal: { kind: 'anonymous' }, via: 'anonymous' });
    await expect(
      auth.authenticateRequest({ method: 'GET', headers: { authorization: basic('alice', 'no') } }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(
      auth.authenticateRequest({ method: 'GET', headers: { authorization: 'Bearer x' } }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses a wrong password (401) and the CLI secret at the portal', async () => {
    const { start } = await setup();
    await expect(start.execute('alice', 'Wr0ngPass')).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });

  it('records logins, failures with a safe reason, and logouts; never a password', async () => {
    const { start, end, auth, outbox } = await setup();
    await expect(start.execute('alice', 'Wr0ng-Passw0rd', '10.0.0.7')).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    const s = await start.execute('alice', PASSWORD, '10.0.0.7');
    await end.execute(s.sessionId, '10.0.0.8');
    await end.execute(s.sessionId, '10.0.0.8'); // already ended: nothing more to record
    await auth.authenticateRequest({
      method: 'GET',
      headers: { authorization: basic('alice', PASSWORD) },
    });
    await expect(
      auth.authenticateRequest({ method: 'GET', headers: { authorization: basic('alice', 'no') } }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(outbox.events.map((e) => [e.type, e.data])).toEqual([
      [
        'login.failed',
        {
          operator: 'alice',
          sourceAddress: '10.0.0.7',
          method: 'session',
          reason: 'bad credentials',
        },
      ],
      ['login.succeeded', { operator: 'alice', sourceAddress: '10.0.0.7', method: 'session' }],
      ['login.ended', { operator: 'alice', sourceAddress: '10.0.0.8' }],
      ['login.failed', { operator: 'alice', method: 'basic', reason: 'bad credentials' }],
    ]);
    expect(JSON.stringify(outbox.events)).not.toContain(PASSWORD);
  });

  it('never fails a login because its audit event could not be stored', async () => {
    const { start, outbox } = await setup();
    outbox.appendGrouped = () => Promise.reject(new Error('database is locked'));
    await expect(start.execute('alice', PASSWORD)).resolves.toMatchObject({
      principal: { username: 'alice' },
    });
  });
});
