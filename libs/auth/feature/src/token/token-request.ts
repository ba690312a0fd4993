import { REGISTRY_TOKEN_SERVICE } from '@berth/contracts';
import type { RegistryAccessEntry } from '@berth/contracts';
import { isRecord } from '@berth/platform/jwt';
import { parseScopes, ScopeError } from './registry-scope';
import { TokenServiceError } from './token-service.errors';

export interface Credentials {
  username: string;
  password: string;
}

/** A validated token request, from either the GET or the OAuth2 POST form. */
export interface TokenRequest {
  credentials?: Credentials;
  requested: RegistryAccessEntry[];
}

const MAX_FIELD_LENGTH = 1024;

/** GET /service/token: query parameters and an optional Basic Authorization header. */
export function parseGetTokenRequest(query: unknown, authorization: unknown): TokenRequest {
  const q = isRecord(query) ? query : {};
  const service = single(q['service'], 'service', false);
  if (service !== REGISTRY_TOKEN_SERVICE) {
    throw TokenServiceError.docker(
      400,
      'BAD_REQUEST',
      `unknown service; use "${REGISTRY_TOKEN_SERVICE}"`,
    );
  }
  single(q['account'], 'account', false); // validated, not trusted: the credentials decide
  return {
    credentials: parseBasic(authorization),
    requested: scopes(many(q['scope'], 'scope', false), false),
  };
}

/** POST /service/token (OAuth2 password grant, as the Docker token spec describes it). */
export function parsePostTokenRequest(body: unknown): TokenRequest {
  if (!isRecord(body)) throw TokenServiceError.oauth('invalid_request', 'expected a form body');
  const grantType = single(body['grant_type'], 'grant_type', true);
  if (grantType !== 'password') {
    throw TokenServiceError.oauth(
      'unsupported_grant_type',
      'only grant_type=password is supported',
    );
  }
  const service = single(body['service'], 'service', true);
  if (service !== REGISTRY_TOKEN_SERVICE) {
    throw TokenServiceError.oauth(
      'invalid_request',
      `unknown service; use "${REGISTRY_TOKEN_SERVICE}"`,
    );
  }
  single(body['client_id'], 'client_id', true);
  const username = single(body['username'], 'username', true);
  const password = single(body['password'], 'password', true);
  if (!username || !password) {
    throw TokenServiceError.oauth('invalid_request', 'username and password are required');
  }
  return {
    credentials: { username, password },
    requested: scopes(many(body['scope'], 'scope', true), true),
  };
}

function scopes(values: string[], oauth: boolean): RegistryAccessEntry[] {
  try {
    return parseScopes(values);
  } catch (e) {
    if (!(e instanceof ScopeError)) throw e;
    throw oauth
      ? TokenServiceError.oauth('invalid_scope', e.message)
      : TokenServiceError.docker(400, 'BAD_REQUEST', e.message);
  }
}

function invalid(field: string, oauth: boolean): TokenServiceError {
  const message = `invalid ${field}`;
  return oauth
    ? TokenServiceError.oauth('invalid_request', message)
    : TokenServiceError.docker(400, 'BAD_REQUEST', message);
}

function single(value: unknown, field: string, oauth: boolean): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > MAX_FIELD_LENGTH) throw invalid(field, oauth);
  return value;
}

function many(value: unknown, field: string, oauth: boolean): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.map((v) => single(v, field, oauth) ?? '');
}

/** Undefined for no header (anonymous); malformed Basic credentials are a failed login, not anonymity. */
function parseBasic(authorization: unknown): Credentials | undefined {
  if (authorization === undefined || authorization === '') return undefined;
  const unauthorized = TokenServiceError.docker(401, 'UNAUTHORIZED', 'invalid credentials');
  if (typeof authorization !== 'string' || authorization.length > MAX_FIELD_LENGTH) {
    throw unauthorized;
  }
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(authorization);
  if (!match) throw unauthorized;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw unauthorized;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
