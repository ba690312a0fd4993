import type { RobotLevel, RobotPermission } from './robots/robot-permission';

/** Who is calling: a local user, a robot account, or nobody. */
export type Principal = UserPrincipal | RobotPrincipal | { kind: 'anonymous' };

export interface UserPrincipal {
  kind: 'user';
  id: number;
  username: string;
  sysadmin: boolean;
}

/** A robot account: it holds exactly its listed permissions, never a project role. */
export interface RobotPrincipal {
  kind: 'robot';
  id: number;
  /** The full name, `robot$<name>` or `robot$<project>+<name>`. */
  name: string;
  level: RobotLevel;
  /** Set for project robots: the one project their permissions may reach. */
  projectId?: number;
  permissions: readonly RobotPermission[];
}

export const ANONYMOUS: Principal = { kind: 'anonymous' };

/** The token's `sub`: empty for anonymous, as in the Docker token spec. */
export function subjectOf(principal: Principal): string {
  switch (principal.kind) {
    case 'anonymous':
      return '';
    case 'user':
      return principal.username;
    case 'robot':
      return principal.name;
  }
}
