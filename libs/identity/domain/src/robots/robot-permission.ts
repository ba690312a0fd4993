/** Robot levels and permissions, after Harbor's `robot` and `rbac_policy` model. */
export type RobotLevel = 'system' | 'project';
export const ROBOT_LEVELS: readonly RobotLevel[] = ['system', 'project'];

export interface RobotAccess {
  resource: string;
  action: string;
  /** `allow` when absent; a `deny` wins over any allow. */
  effect?: 'allow' | 'deny';
}

export interface RobotPermission {
  kind: 'project' | 'system';
  /** A project name, or `*` for every project (system robots only). */
  namespace: string;
  access: RobotAccess[];
  /** Beyond Harbor: a glob (`*` only) on the repository path within the project. */
  repository?: string;
}

/** The registry actions a robot may hold on a repository. */
export type RobotRegistryAction = 'pull' | 'push' | 'delete';
const REGISTRY_ACTIONS: readonly RobotRegistryAction[] = ['pull', 'push', 'delete'];

/**
 * The project-scoped resources and actions a robot may be given, with Harbor's names. Each
 * maps to a project action of the role table, which is how "not more than the creator" is checked.
 */
export const ROBOT_PROJECT_ACCESS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  repository: {
    pull: 'pull',
    push: 'push',
    delete: 'delete',
    list: 'repository:read',
    read: 'repository:read',
    update: 'repository:update',
  },
  artifact: {
    list: 'artifact:read',
    read: 'artifact:read',
    create: 'artifact:create',
    delete: 'artifact:delete',
  },
  tag: { list: 'tag:read', create: 'tag:create', delete: 'tag:delete' },
  project: { read: 'project:read' },
  member: { list: 'member:read', read: 'member:read' },
  metadata: { list: 'metadata:read', read: 'metadata:read' },
};

const MAX_PERMISSIONS = 100;
const MAX_ACCESS = 64;
// The characters of an OCI repository path, plus `*`; checked per `/`-separated part.
const PATTERN_CHARS = /^[a-z0-9._\-/*]+$/;
const PROJECT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** An error message for a repository pattern, or undefined when it is valid. */
export function repositoryPatternError(pattern: string): string | undefined {
  if (pattern.length < 1 || pattern.length > 255)
    return 'repository pattern must be 1 to 255 characters';
  if (!PATTERN_CHARS.test(pattern))
    return 'repository pattern may hold lower case letters, digits, separators (. _ - /) and * only';
  if (pattern.split('/').some((part) => part === '' || /^\.+$/.test(part)))
    return 'repository pattern must not have empty or dot-only path parts';
  return undefined;
}

/** Whether a repository path (after the project, e.g. `app-1` in `library/app-1`) matches a glob. */
export function repositoryMatches(pattern: string, repository: string): boolean {
  // Iterative glob: `*` matches any run of characters, `/` included; everything else is literal.
  let p = 0;
  let r = 0;
  let star = -1;
  let mark = 0;
  while (r < repository.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === repository[r]) {
      p++;
      r++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = r;
    } else if (star !== -1) {
      p = star + 1;
      r = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * Checks the shape of a permission list for a robot of `level` (a project robot's list names
 * its project only). Answers an error message, or undefined; the value is then a RobotPermission[].
 */
export function robotPermissionsError(
  level: RobotLevel,
  value: unknown,
  projectName?: string,
): string | undefined {
  if (!Array.isArray(value)) return 'permissions must be a list';
  if (value.length < 1) return 'permissions must not be empty';
  if (value.length > MAX_PERMISSIONS) return `at most ${MAX_PERMISSIONS} permissions`;
  for (const p of value as unknown[]) {
    const error = permissionError(level, p, projectName);
    if (error) return error;
  }
  return undefined;
}

function permissionError(level: RobotLevel, p: unknown, projectName?: string): string | undefined {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return 'a permission is an object';
  const { kind, namespace, access, repository } = p as Record<string, unknown>;
  if (kind === 'system') return 'system-kind permissions are not supported; use kind "project"';
  if (kind !== 'project') return 'permission kind must be "project"';
  if (typeof namespace !== 'string') return 'permission namespace must be a project name or "*"';
  if (level === 'project') {
    if (namespace !== projectName) return 'a project robot’s permissions must name its own project';
  } else if (namespace !== '*' && !PROJECT_NAME.test(namespace)) {
    return 'permission namespace must be a project name or "*"';
  }
  if (repository !== undefined) {
    if (typeof repository !== 'string') return 'permission repository must be a string';
    const error = repositoryPatternError(repository);
    if (error) return error;
  }
  if (!Array.isArray(access) || access.length < 1) return 'permission access must not be empty';
  if (access.length > MAX_ACCESS) return `at most ${MAX_ACCESS} access entries per permission`;
  for (const a of access as unknown[]) {
    if (typeof a !== 'object' || a === null) return 'an access entry is an object';
    const { resource, action, effect } = a as Record<string, unknown>;
    if (typeof resource !== 'string' || typeof action !== 'string')
      return 'access resource and action must be strings';
    if (!Object.hasOwn(ROBOT_PROJECT_ACCESS, resource))
      return `unsupported access resource "${resource.slice(0, 64)}"`;
    if (!Object.hasOwn(ROBOT_PROJECT_ACCESS[resource], action))
      return `unsupported action "${action.slice(0, 64)}" on ${resource}`;
    if (effect !== undefined && effect !== 'allow' && effect !== 'deny')
      return 'access effect must be "allow" or "deny"';
    if (
      repository !== undefined &&
      resource !== 'repository' &&
      resource !== 'artifact' &&
      resource !== 'tag'
    )
      return 'a repository pattern applies to repository, artifact and tag access only';
  }
  return undefined;
}

/** Only the known fields of a validated list, so nothing else is stored. */
export function normalizePermissions(permissions: readonly RobotPermission[]): RobotPermission[] {
  return permissions.map((p) => ({
    kind: p.kind,
    namespace: p.namespace,
    access: p.access.map((a) => ({
      resource: a.resource,
      action: a.action,
      ...(a.effect === 'deny' ? { effect: 'deny' as const } : { effect: 'allow' as const }),
    })),
    ...(p.repository !== undefined && { repository: p.repository }),
  }));
}

/** The least a robot decision needs of a project. */
export interface RobotProject {
  id: number;
  name: string;
}

export interface RobotGrantee {
  level: RobotLevel;
  projectId?: number;
  permissions: readonly RobotPermission[];
}

/** Whether a permission reaches a repository (`undefined`: the project as a whole) of a project. */
function reaches(
  robot: RobotGrantee,
  p: RobotPermission,
  project: RobotProject,
  repository: string | undefined,
): boolean {
  if (p.kind !== 'project') return false;
  if (robot.level === 'project' && robot.projectId !== project.id) return false;
  if (p.namespace !== '*' && p.namespace !== project.name) return false;
  if (p.repository === undefined) return true;
  return repository !== undefined && repositoryMatches(p.repository, repository);
}

/** Whether the robot holds `resource:action` there: some allow reaches it and no deny does. */
export function robotMay(
  robot: RobotGrantee,
  project: RobotProject,
  repository: string | undefined,
  resource: string,
  action: string,
): boolean {
  let allowed = false;
  for (const p of robot.permissions) {
    if (!reaches(robot, p, project, repository)) continue;
    for (const a of p.access) {
      if (a.resource !== resource || a.action !== action) continue;
      if (a.effect === 'deny') return false;
      allowed = true;
    }
  }
  return allowed;
}

/** The registry actions the robot has on `repository` (the path after the project name). */
export function robotRegistryActions(
  robot: RobotGrantee,
  project: RobotProject,
  repository: string,
): RobotRegistryAction[] {
  return REGISTRY_ACTIONS.filter((a) => robotMay(robot, project, repository, 'repository', a));
}
