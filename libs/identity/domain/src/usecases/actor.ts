import { IdentityError } from '../identity.errors';
import type { Principal, UserPrincipal } from '../principal';
import type { UserEntity } from '../user.entity';

/** The caller, who must be signed in. */
export function signedIn(actor: Principal): UserPrincipal {
  if (actor.kind !== 'user') throw new IdentityError('UNAUTHORIZED', 'authentication required');
  return actor;
}

export function requireSysadmin(actor: Principal): UserPrincipal {
  const user = signedIn(actor);
  if (!user.sysadmin) throw new IdentityError('FORBIDDEN', 'system admin role required');
  return user;
}

/** The caller acting on user `id`: themselves, or any user when system admin. */
export function requireSelfOrSysadmin(actor: Principal, id: number): UserPrincipal {
  const user = signedIn(actor);
  if (user.id !== id && !user.sysadmin) throw new IdentityError('FORBIDDEN', 'not allowed');
  return user;
}

export function principalOf(user: UserEntity): UserPrincipal {
  return { kind: 'user', id: user.id, username: user.username, sysadmin: user.sysadmin };
}

export function notFound(): IdentityError {
  return new IdentityError('NOT_FOUND', 'user not found');
}

export function badRequest(message: string | undefined): void {
  if (message) throw new IdentityError('BAD_REQUEST', message);
}
