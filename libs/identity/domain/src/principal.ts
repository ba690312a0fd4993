/** Who is calling. Robots (and project roles on top of users) join this union later. */
export type Principal = UserPrincipal | { kind: 'anonymous' };

export interface UserPrincipal {
  kind: 'user';
  id: number;
  username: string;
  sysadmin: boolean;
}

export const ANONYMOUS: Principal = { kind: 'anonymous' };

/** The token's `sub`: empty for anonymous, as in the Docker token spec. */
export function subjectOf(principal: Principal): string {
  return principal.kind === 'anonymous' ? '' : principal.username;
}
