import type { RegistryAccessEntry } from '@berth/contracts';
import type { Principal } from './principal';

/**
 * The part of the requested access the principal gets. The system admin gets all of it;
 * anonymous gets nothing until projects and roles land (public pull comes with them).
 */
export function grantedAccess(
  principal: Principal,
  requested: readonly RegistryAccessEntry[],
): RegistryAccessEntry[] {
  switch (principal.kind) {
    case 'admin':
      return requested.map((e) => ({ type: e.type, name: e.name, actions: [...e.actions] }));
    case 'anonymous':
      return [];
  }
}
