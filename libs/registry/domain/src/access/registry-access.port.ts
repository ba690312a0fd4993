import type { RegistryAccessEntry } from '@berth/contracts';

export type RepositoryAction = 'pull' | 'push' | 'delete';

/** Who is calling the registry and what their token lets them do. */
export interface RegistryPrincipal {
  /** Token subject; undefined for an anonymous token. */
  subject?: string;
  access: RegistryAccessEntry[];
}

/**
 * Authenticates `/v2/` requests from their Authorization header. Implementations throw an
 * OciError UNAUTHORIZED carrying the WWW-Authenticate challenge (with `scope` when given)
 * when the header is missing, invalid, expired or meant for another service.
 */
export interface RegistryAccess {
  authenticate(
    authorization: string | undefined,
    challengeScope?: string,
  ): Promise<RegistryPrincipal>;
}

export const REGISTRY_ACCESS = Symbol('REGISTRY_ACCESS');

/** True when the principal's token grants `action` on the repository (`*` grants all). */
export function isGranted(
  principal: RegistryPrincipal,
  repository: string,
  action: RepositoryAction,
): boolean {
  return principal.access.some(
    (a) =>
      a.type === 'repository' &&
      a.name === repository &&
      (a.actions.includes(action) || a.actions.includes('*')),
  );
}

export function canListCatalog(principal: RegistryPrincipal): boolean {
  return principal.access.some(
    (a) => a.type === 'registry' && a.name === 'catalog' && a.actions.includes('*'),
  );
}
