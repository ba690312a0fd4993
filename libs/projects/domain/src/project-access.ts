import { Injectable } from '@nestjs/common';
import type { Principal } from '@berth/identity/domain';
import { ProjectMemberRepository } from './project-member.repository';
import { PROJECT_ROLES, type ProjectRoleId } from './project-role';

/** What a caller may do in a project: registry actions, then API resource actions. */
export const PROJECT_ACTIONS = [
  'pull',
  'push',
  'delete',
  'project:read',
  'project:update',
  'project:delete',
  'member:read',
  'member:create',
  'member:update',
  'member:delete',
  'metadata:read',
  'metadata:create',
  'metadata:update',
  'metadata:delete',
  'repository:read',
  'repository:update',
  'repository:delete',
  'artifact:read',
  'artifact:create',
  'artifact:delete',
  'tag:read',
  'tag:create',
  'tag:delete',
  'robot:read',
  'robot:create',
  'robot:update',
  'robot:delete',
  'webhook:read',
  'webhook:list',
  'webhook:create',
  'webhook:update',
  'webhook:delete',
  'log:list',
] as const;
export type ProjectAction = (typeof PROJECT_ACTIONS)[number];

/** The registry actions a token may carry for a repository. */
export const REGISTRY_ACTIONS = ['pull', 'push', 'delete'] as const;
export type RegistryAction = (typeof REGISTRY_ACTIONS)[number];

/** Who holds a permission: a project role, or `public` — anyone, even anonymous, on a public project. */
export type Holder =
  'projectAdmin' | 'maintainer' | 'developer' | 'guest' | 'limitedGuest' | 'public';
export const HOLDERS: readonly Holder[] = [
  'projectAdmin',
  'maintainer',
  'developer',
  'guest',
  'limitedGuest',
  'public',
];

const X = true;
const _ = false;

/**
 * Harbor's role permission table (src/common/rbac/project/rbac_role.go), one row per action.
 * System admins are above it: they may do everything.
 */
// prettier-ignore
export const PERMISSIONS: Readonly<Record<ProjectAction, readonly boolean[]>> = {
  //                   projectAdmin maintainer developer guest limitedGuest public
  'pull':              [X,           X,         X,        X,    X,           X],
  'push':              [X,           X,         X,        _,    _,           _],
  'delete':            [X,           X,         _,        _,    _,           _],
  'project:read':      [X,           X,         X,        X,    X,           X],
  'project:update':    [X,           _,         _,        _,    _,           _],
  'project:delete':    [X,           _,         _,        _,    _,           _],
  'member:read':       [X,           X,         X,        X,    _,           _],
  'member:create':     [X,           _,         _,        _,    _,           _],
  'member:update':     [X,           _,         _,        _,    _,           _],
  'member:delete':     [X,           _,         _,        _,    _,           _],
  'metadata:read':     [X,           X,         X,        X,    _,           _],
  'metadata:create':   [X,           _,         _,        _,    _,           _],
  'metadata:update':   [X,           _,         _,        _,    _,           _],
  'metadata:delete':   [X,           _,         _,        _,    _,           _],
  'repository:read':   [X,           X,         X,        X,    X,           X],
  'repository:update': [X,           X,         X,        _,    _,           _],
  'repository:delete': [X,           X,         _,        _,    _,           _],
  'artifact:read':     [X,           X,         X,        X,    X,           X],
  'artifact:create':   [X,           X,         X,        _,    _,           _],
  'artifact:delete':   [X,           X,         _,        _,    _,           _],
  'tag:read':          [X,           X,         X,        X,    X,           X],
  'tag:create':        [X,           X,         X,        _,    _,           _],
  'tag:delete':        [X,           X,         _,        _,    _,           _],
  'robot:read':        [X,           X,         _,        _,    _,           _],
  'robot:create':      [X,           _,         _,        _,    _,           _],
  'robot:update':      [X,           _,         _,        _,    _,           _],
  'robot:delete':      [X,           _,         _,        _,    _,           _],
  'webhook:read':      [X,           X,         _,        _,    _,           _],
  'webhook:list':      [X,           X,         _,        _,    _,           _],
  'webhook:create':    [X,           _,         _,        _,    _,           _],
  'webhook:update':    [X,           _,         _,        _,    _,           _],
  'webhook:delete':    [X,           _,         _,        _,    _,           _],
  'log:list':          [X,           X,         X,        X,    _,           _],
};

const HOLDER_OF_ROLE: Record<ProjectRoleId, Holder> = {
  [PROJECT_ROLES.projectAdmin]: 'projectAdmin',
  [PROJECT_ROLES.maintainer]: 'maintainer',
  [PROJECT_ROLES.developer]: 'developer',
  [PROJECT_ROLES.guest]: 'guest',
  [PROJECT_ROLES.limitedGuest]: 'limitedGuest',
};

/** What the table gives this holder. */
export function holderMay(holder: Holder, action: ProjectAction): boolean {
  return PERMISSIONS[action][HOLDERS.indexOf(holder)];
}

/** The access decision without I/O: a role (or none) in a project that is public or not. */
export function permits(
  role: ProjectRoleId | undefined,
  isPublic: boolean,
  action: ProjectAction,
): boolean {
  if (role !== undefined && holderMay(HOLDER_OF_ROLE[role], action)) return true;
  return isPublic && holderMay('public', action);
}

/** The least a project must say for an access decision. */
export interface AccessibleProject {
  id: number;
  isPublic: boolean;
}

/**
 * Who may do what in a project. Every API route and every registry token goes through here.
 * Robots have no role here: their own permissions decide their registry grants (see
 * `robotRegistryActions`), and on the API they are treated like anonymous callers.
 */
@Injectable()
export class ProjectAccess {
  constructor(private readonly members: ProjectMemberRepository) {}

  /** The principal's role in the project; undefined for anonymous callers and non-members. */
  async roleOf(
    principal: Principal,
    project: AccessibleProject,
  ): Promise<ProjectRoleId | undefined> {
    switch (principal.kind) {
      case 'anonymous':
        return undefined;
      case 'robot':
        return undefined; // robots hold their listed permissions, never a role
      case 'user':
        return (await this.members.findByUser(project.id, principal.id))?.roleId;
    }
  }

  async can(
    principal: Principal,
    project: AccessibleProject,
    action: ProjectAction,
  ): Promise<boolean> {
    if (principal.kind === 'user' && principal.sysadmin) return true;
    return permits(await this.roleOf(principal, project), project.isPublic, action);
  }

  /**
   * The projects in which a signed-in user may do `action` through a membership; for actions no
   * public project grants (such as `log:list`), every project they may do it in.
   */
  async memberProjectIds(principal: Principal, action: ProjectAction): Promise<number[]> {
    if (principal.kind !== 'user') return [];
    const memberships = await this.members.rolesOfUser(principal.id);
    return memberships.filter((m) => permits(m.roleId, false, action)).map((m) => m.projectId);
  }

  /** The registry actions the principal has in the project, in the order pull, push, delete. */
  async registryActions(
    principal: Principal,
    project: AccessibleProject,
  ): Promise<RegistryAction[]> {
    if (principal.kind === 'user' && principal.sysadmin) return [...REGISTRY_ACTIONS];
    const role = await this.roleOf(principal, project);
    return REGISTRY_ACTIONS.filter((a) => permits(role, project.isPublic, a));
  }
}
