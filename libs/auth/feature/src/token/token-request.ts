import { API_TOKEN_SERVICE, REGISTRY_TOKEN_SERVICE } from '@berth/contracts';
import type { RegistryAccessEntry } from '@berth/contracts';
import { isRecord } from '@berth/platform/jwt';
import { parseScopes, ScopeError } from './registry-scope';
import { TokenServiceError } from './token-service.errors';

export interface Credentials {
  username: string;
  password: string;
}

/** The audiences the token service issues for: the registry (`/v2/`) and the REST API. */
export type TokenService = typeof REGISTRY_TOKEN_SERVICE | typeof API_TOKEN_SERVICE;

/** A validated token request, from either the GET or the OAuth2 POST form. */
export interface TokenRequest {
  service: TokenService;
  /** Basic credentials or the password grant; absent for anonymous and refresh requests. */
  credentials?: Credentials;
  /** The `refresh_token` grant. */
  refreshToken?: string;
  /** The OAuth2 client; required for refresh tokens, which are bound to it. */
  clientId?: string;
  /** Also return a refresh token (POST `access_type=offline`, GET `offline_token=true`). */
  offline: boolean;
  /** Registry scopes; always empty for the API service, whose tokens carry no access claims. */
  requested: RegistryAccessEntry[];
}

const MAX_FIELD_LENGTH = 1024;
// RFC 6749 Appendix A.1: client_id is VSCHAR*; bounded by the stored column.
const CLIENT_ID = /^[\x20-\x7e]{1,255}$/;

/** GET /service/token: query parameters and an optional Basic Authorization header. */
export function parseGetTokenRequest(query: unknown, authorization: unknown): TokenRequest {
  const q = isRecord(query) ? query : {};
  const service = tokenService(single(q['service'], 'service', false), false);
  single(q['account'], 'account', false); // validated, not trusted: the credentials decide
  const offline = single(q['offline_token'], 'offline_token', false) === 'true';
  const clientId = clientIdOf(q['client_id'], false);
  const credentials = parseBasic(authorization);
  if (offline && !clientId) throw invalid('client_id (required with offline_token)', false);
  return {
    service,
    credentials,
    ...(clientId === undefined ? {} : { clientId }),
    // Anonymous callers get no refresh token: there is nothing to refresh.
    offline: offline && credentials !== undefined,
    requested:
      service === REGISTRY_TOKEN_SERVICE ? scopes(many(q['scope'], 'scope', false), false) : [],
  };
}

/**
 * POST /service/token, the OAuth2 form of the Docker token spec: `grant_type=password` (with
 * `access_type=offline` for a refresh token too) and `grant_type=refresh_token`.
 */
export function parsePostTokenRequest(body: unknown): TokenRequest {
  if (!isRecord(body)) throw TokenServiceError.oauth('invalid_request', 'expected a form body');
  const grantType = single(body['grant_type'], 'grant_type', true);
  if (grantType !== 'password' && grantType !== 'refresh_token') {
    throw TokenServiceError.oauth(
      'unsupported_grant_type',
      'grant_type must be password or refresh_token',
    );
  }
  const service = tokenService(single(body['service'], 'service', true), true);
  const clientId = clientIdOf(body['client_id'], true);
  const requested =
    service === REGISTRY_TOKEN_SERVICE ? scopes(many(body['scope'], 'scope', true), true) : [];
  if (grantType === 'refresh_token') {
    const refreshToken = single(body['refresh_token'], 'refresh_token', true);
    if (!refreshToken || !clientId) {
      throw TokenServiceError.oauth('invalid_request', 'refresh_token and client_id are required');
    }
    return { service, refreshToken, clientId, offline: false, requested };
  }
  const username = single(body['username'], 'username', true);
  const password = single(body['password'], 'password', true);
  if (!username || !password) {
    throw TokenServiceError.oauth('invalid_request', 'username and password are required');
  }
  const offline = single(body['access_type'], 'access_type', true) === 'offline';
  if (offline && !clientId) {
    throw TokenServiceError.oauth(
      'invalid_request',
      'client_id is required with access_type=offline',
    );
  }
  return {
    service,
    credentials: { username, password },
    ...(clientId === undefined ? {} : { clientId }),
    offline,
    requested,
  };
}

function tokenService(service: string | undefined, oauth: boolean): TokenService {
  if (service === REGISTRY_TOKEN_SERVICE || service === API_TOKEN_SERVICE) return service;
  const message = `unknown service; use "${REGISTRY_TOKEN_SERVICE}" or "${API_TOKEN_SERVICE}"`;
  throw oauth
    ? TokenServiceError.oauth('invalid_request', message)
    : TokenServiceError.docker(400, 'BAD_REQUEST', message);
}

function clientIdOf(value: unknown, oauth: boolean): string | undefined {
  const clientId = single(value, 'client_id', oauth);
  if (clientId === undefined || clientId === '') return undefined;
  if (!CLIENT_ID.test(clientId)) throw invalid('client_id', oauth);
  return clientId;
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
