/** One entry of a registry token's `access` claim (Docker token auth spec). */
export interface RegistryAccessEntry {
  type: 'repository' | 'registry';
  /** Repository name, or `catalog` for type `registry`. */
  name: string;
  /** `pull`, `push`, `delete` or `*` for repositories; `*` for the catalog. */
  actions: string[];
}

/** The claims Berth puts in a registry bearer token. */
export interface RegistryTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  access: RegistryAccessEntry[];
}

/** The claims of an API token (audience API_TOKEN_SERVICE): who, and nothing about what. */
export interface ApiTokenClaims {
  iss: string;
  /** The username or robot name, for logs; `principal` is what counts. */
  sub: string;
  aud: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  /** The account by id, so a deleted account's name taken by a new one does not inherit its tokens. */
  principal: { kind: 'user' | 'robot'; id: number };
}

/** The `service` the registry's challenges name and its tokens are issued for. */
export const REGISTRY_TOKEN_SERVICE = 'berth-registry';
/**
 * The `service` (and `aud`) of tokens for the REST API (`/api/v2.0`): they name a user or robot
 * and carry no access claims; the API applies that account's current permissions.
 */
export const API_TOKEN_SERVICE = 'berth-api';
/** Path of the auth app's JWKS, relative to its base URL. */
export const TOKEN_JWKS_PATH = '/service/keys';
