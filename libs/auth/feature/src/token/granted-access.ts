import type { RegistryAccessEntry } from '@berth/contracts';
import type { Principal } from './principal';

/**
 * The part of the requested access the principal gets. System admins get all of it; other
 * users and anonymous callers get nothing until projects and roles land (public pull and
 * member roles come with them).
 */
export function grantedAccess(
  principal: Principal,
  requested: readonly RegistryAccessEntry[],
): RegistryAccessEntry[] {
  switch (principal.kind) {
    case 'user':
      return principal.sysadmin
        ? requested.map((e) => ({ type: e.type, name: e.name, actions: [...e.actions] }))
        : [];
    case 'anonymous':
      return [];
  }
}
