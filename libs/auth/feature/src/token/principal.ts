/** Who asked for a token. Users, robots and project roles join this union in later issues. */
export type Principal = { kind: 'admin'; subject: 'admin' } | { kind: 'anonymous' };

export const ANONYMOUS: Principal = { kind: 'anonymous' };

/** The token's `sub`: empty for anonymous, as in the Docker token spec. */
export function subjectOf(principal: Principal): string {
  return principal.kind === 'anonymous' ? '' : principal.subject;
}
