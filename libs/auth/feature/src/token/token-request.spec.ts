import { describe, expect, it } from 'vitest';
import { parseGetTokenRequest, parsePostTokenRequest } from './token-request';
import { TokenServiceError } from './token-service.errors';

const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

function refusal(fn: () => unknown): TokenServiceError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TokenServiceError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('parseGetTokenRequest', () => {
  it('reads Basic credentials (passwords may contain colons) and every scope parameter', () => {
    expect(
      parseGetTokenRequest(
        { service: 'berth-registry', scope: ['repository:a:pull', 'registry:catalog:*'] },
        basic('admin', 'pa:ss'),
      ),
    ).toEqual({
      service: 'berth-registry',
      credentials: { username: 'admin', password: 'pa:ss' },
      offline: false,
      requested: [
        { type: 'repository', name: 'a', actions: ['pull'] },
        { type: 'registry', name: 'catalog', actions: ['*'] },
      ],
    });
  });

  it('treats no Authorization header as anonymous', () => {
    expect(parseGetTokenRequest({ service: 'berth-registry' }, undefined)).toEqual({
      service: 'berth-registry',
      credentials: undefined,
      offline: false,
      requested: [],
    });
  });

  it('refuses another service, or none, with 400', () => {
    expect(refusal(() => parseGetTokenRequest({ service: 'other' }, undefined)).status).toBe(400);
    expect(refusal(() => parseGetTokenRequest({}, undefined)).status).toBe(400);
  });

  it.each(['Bearer abc', 'Basic !!!', `Basic ${Buffer.from('nocolon').toString('base64')}`])(
    'refuses the malformed Authorization %j with 401 rather than going anonymous',
    (header) => {
      expect(
        refusal(() => parseGetTokenRequest({ service: 'berth-registry' }, header)).status,
      ).toBe(401);
    },
  );

  it('refuses a malformed scope with 400', () => {
    const e = refusal(() =>
      parseGetTokenRequest({ service: 'berth-registry', scope: 'repository:UP:pull' }, undefined),
    );
    expect(e.status).toBe(400);
    expect(e.body).toMatchObject({ errors: [{ code: 'BAD_REQUEST' }] });
  });
});

describe('parsePostTokenRequest', () => {
  const form = {
    grant_type: 'password',
    service: 'berth-registry',
    client_id: 'docker',
    username: 'admin',
    password: 'secret-pass',
    scope: 'repository:a:pull repository:b:push',
  };

  it('reads the password grant, with space-separated scopes', () => {
    expect(parsePostTokenRequest(form)).toEqual({
      service: 'berth-registry',
      credentials: { username: 'admin', password: 'secret-pass' },
      clientId: 'docker',
      offline: false,
      requested: [
        { type: 'repository', name: 'a', actions: ['pull'] },
        { type: 'repository', name: 'b', actions: ['push'] },
      ],
    });
  });

  it('reads access_type=offline, which needs a client_id for the refresh token to be bound to', () => {
    expect(parsePostTokenRequest({ ...form, access_type: 'offline' })).toMatchObject({
      offline: true,
      clientId: 'docker',
    });
    const e = refusal(() =>
      parsePostTokenRequest({ ...form, access_type: 'offline', client_id: undefined }),
    );
    expect(e.body).toMatchObject({ error: 'invalid_request' });
  });

  it('reads the refresh_token grant, which needs the token and a client_id', () => {
    const refresh = {
      grant_type: 'refresh_token',
      service: 'berth-registry',
      client_id: 'docker',
      refresh_token: 'abc.def',
      scope: 'repository:a:pull',
    };
    expect(parsePostTokenRequest(refresh)).toEqual({
      service: 'berth-registry',
      refreshToken: 'abc.def',
      clientId: 'docker',
      offline: false,
      requested: [{ type: 'repository', name: 'a', actions: ['pull'] }],
    });
    for (const missing of ['refresh_token', 'client_id']) {
      const e = refusal(() => parsePostTokenRequest({ ...refresh, [missing]: undefined }));
      expect(e.body).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('ignores registry scopes for the API service, whose tokens carry none', () => {
    expect(parsePostTokenRequest({ ...form, service: 'berth-api' })).toMatchObject({
      service: 'berth-api',
      requested: [],
    });
  });

  it.each(['client_credentials', 'authorization_code', undefined])(
    'refuses grant_type %j with unsupported_grant_type',
    (grantType) => {
      const e = refusal(() => parsePostTokenRequest({ ...form, grant_type: grantType }));
      expect(e.status).toBe(400);
      expect(e.body).toMatchObject({ error: 'unsupported_grant_type' });
    },
  );

  it('refuses missing credentials, another service and a non-form body', () => {
    expect(refusal(() => parsePostTokenRequest({ ...form, password: '' })).body).toMatchObject({
      error: 'invalid_request',
    });
    expect(refusal(() => parsePostTokenRequest({ ...form, service: 'x' })).status).toBe(400);
    expect(refusal(() => parsePostTokenRequest('grant_type=password')).status).toBe(400);
    expect(refusal(() => parsePostTokenRequest({ ...form, username: ['a', 'b'] })).status).toBe(
      400,
    );
  });
});
