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

/** The `service` the registry's challenges name and its tokens are issued for. */
export const REGISTRY_TOKEN_SERVICE = 'berth-registry';
/** Path of the auth app's JWKS, relative to its base URL. */
export const TOKEN_JWKS_PATH = '/service/keys';
