/** Harbor's project roles, with Harbor's numeric ids (the `role` table it seeds). */
export const PROJECT_ROLES = {
  projectAdmin: 1,
  developer: 2,
  guest: 3,
  maintainer: 4,
  limitedGuest: 5,
} as const;

export type ProjectRoleName = keyof typeof PROJECT_ROLES;
export type ProjectRoleId = (typeof PROJECT_ROLES)[ProjectRoleName];

/** The names Harbor answers in `role_name`. */
const ROLE_NAMES: Record<ProjectRoleId, string> = {
  1: 'projectAdmin',
  2: 'developer',
  3: 'guest',
  4: 'maintainer',
  5: 'limitedGuest',
};

export function isProjectRoleId(value: unknown): value is ProjectRoleId {
  return typeof value === 'number' && Object.hasOwn(ROLE_NAMES, value);
}

export function roleName(id: ProjectRoleId): string {
  return ROLE_NAMES[id];
}
