import { forbidden, unauthorized } from '@berth/api/domain';
import type { Principal, UserPrincipal } from '@berth/identity/domain';

/** System-wide settings and jobs: 401 for anonymous callers, 403 for anyone but a system admin. */
export function requireSysadmin(principal: Principal): UserPrincipal {
  if (principal.kind === 'anonymous') throw unauthorized('authentication required');
  if (principal.kind !== 'user' || !principal.sysadmin)
    throw forbidden('system admin role required');
  return principal;
}
