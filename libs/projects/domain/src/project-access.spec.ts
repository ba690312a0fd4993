import { describe, expect, it } from 'vitest';
import type { Principal } from '@berth/identity/domain';
import {
  HOLDERS,
  PERMISSIONS,
  PROJECT_ACTIONS,
  ProjectAccess,
  holderMay,
  permits,
  type Holder,
  type ProjectAction,
} from './project-access';
import type { ProjectMemberRepository } from './project-member.repository';
import { PROJECT_ROLES, type ProjectRoleId } from './project-role';

// Harbor's role permission table, written out again row by row as the expectation.
const EXPECTED: Record<ProjectAction, Holder[]> = {
  pull: ['projectAdmin', 'maintainer', 'developer', 'guest', 'limitedGuest', 'public'],
  push: ['projectAdmin', 'maintainer', 'developer'],
  delete: ['projectAdmin', 'maintainer'],
  'project:read': ['projectAdmin', 'maintainer', 'developer', 'guest', 'limitedGuest', 'public'],
  'project:update': ['projectAdmin'],
  'project:delete': ['projectAdmin'],
  'member:read': ['projectAdmin', 'maintainer', 'developer', 'guest'],
  'member:create': ['projectAdmin'],
  'member:update': ['projectAdmin'],
  'member:delete': ['projectAdmin'],
  'metadata:read': ['projectAdmin', 'maintainer', 'developer', 'guest'],
  'metadata:create': ['projectAdmin'],
  'metadata:update': ['projectAdmin'],
  'metadata:delete': ['projectAdmin'],
  'repository:read': ['projectAdmin', 'maintainer', 'developer', 'guest', 'limitedGuest', 'public'],
  'repository:update': ['projectAdmin', 'maintainer', 'developer'],
  'repository:delete': ['projectAdmin', 'maintainer'],
  'artifact:read': ['projectAdmin', 'maintainer', 'developer', 'guest', 'limitedGuest', 'public'],
  'artifact:create': ['projectAdmin', 'maintainer', 'developer'],
  'artifact:delete': ['projectAdmin', 'maintainer'],
  'tag:read': ['projectAdmin', 'maintainer', 'developer', 'guest', 'limitedGuest', 'public'],
  'tag:create': ['projectAdmin', 'maintainer', 'developer'],
  'tag:delete': ['projectAdmin', 'maintainer'],
  'robot:read': ['projectAdmin', 'maintainer'],
  'robot:create': ['projectAdmin'],
  'robot:update': ['projectAdmin'],
  'robot:delete': ['projectAdmin'],
  'webhook:read': ['projectAdmin', 'maintainer'],
  'webhook:list': ['projectAdmin', 'maintainer'],
  'webhook:create': ['projectAdmin'],
  'webhook:update': ['projectAdmin'],
  'webhook:delete': ['projectAdmin'],
  'log:list': ['projectAdmin', 'maintainer', 'developer', 'guest'],
};

const ROLE_OF_HOLDER: Record<Exclude<Holder, 'public'>, ProjectRoleId> = {
  projectAdmin: PROJECT_ROLES.projectAdmin,
  maintainer: PROJECT_ROLES.maintainer,
  developer: PROJECT_ROLES.developer,
  guest: PROJECT_ROLES.guest,
  limitedGuest: PROJECT_ROLES.limitedGuest,
};

describe('the project role permission table', () => {
  it('has one row per action, one column per holder', () => {
    expect(Object.keys(PERMISSIONS).sort()).toEqual([...PROJECT_ACTIONS].sort());
    for (const row of Object.values(PERMISSIONS)) expect(row).toHaveLength(HOLDERS.length);
  });

  it.each(PROJECT_ACTIONS.map((a) => [a]))('%s', (action) => {
    const holders = HOLDERS.filter((h) => holderMay(h, action));
    expect(holders).toEqual(EXPECTED[action]);
  });

  it('gives each role its own rights on a private project, and the public ones on a public project', () => {
    for (const action of PROJECT_ACTIONS) {
      for (const [holder, role] of Object.entries(ROLE_OF_HOLDER)) {
        expect(permits(role, false, action), `${holder} ${action}`).toBe(
          EXPECTED[action].includes(holder as Holder),
        );
      }
      expect(permits(undefined, false, action), `non-member ${action}`).toBe(false);
      expect(permits(undefined, true, action), `public ${action}`).toBe(
        EXPECTED[action].includes('public'),
      );
    }
  });
});

describe('ProjectAccess', () => {
  const members = {
    findByUser: async (projectId: number, userId: number) =>
      projectId === 7 && userId === 2 ? { roleId: PROJECT_ROLES.guest } : null,
  } as unknown as ProjectMemberRepository;
  const access = new ProjectAccess(members);
  const alice: Principal = { kind: 'user', id: 2, username: 'alice', sysadmin: false };
  const admin: Principal = { kind: 'user', id: 1, username: 'admin', sysadmin: true };
  const anonymous: Principal = { kind: 'anonymous' };
  const team = { id: 7, isPublic: false };
  const open = { id: 8, isPublic: true };

  it('reads the role from the membership', async () => {
    expect(await access.roleOf(alice, team)).toBe(PROJECT_ROLES.guest);
    expect(await access.roleOf(alice, open)).toBeUndefined();
    expect(await access.roleOf(anonymous, team)).toBeUndefined();
  });

  it('lets a system admin do everything, even without a role', async () => {
    for (const action of PROJECT_ACTIONS) expect(await access.can(admin, team, action)).toBe(true);
    expect(await access.registryActions(admin, team)).toEqual(['pull', 'push', 'delete']);
  });

  it('gives anonymous callers pull and read on public projects only', async () => {
    expect(await access.registryActions(anonymous, open)).toEqual(['pull']);
    expect(await access.registryActions(anonymous, team)).toEqual([]);
    expect(await access.can(anonymous, open, 'project:read')).toBe(true);
    expect(await access.can(anonymous, open, 'member:read')).toBe(false);
  });

  it('gives a member their role’s rights', async () => {
    expect(await access.registryActions(alice, team)).toEqual(['pull']);
    expect(await access.can(alice, team, 'member:read')).toBe(true);
    expect(await access.can(alice, team, 'tag:create')).toBe(false);
  });

  it('lists the projects where a user’s memberships give an action', async () => {
    const byUser = new ProjectAccess({
      rolesOfUser: async () => [
        { projectId: 7, roleId: PROJECT_ROLES.guest },
        { projectId: 9, roleId: PROJECT_ROLES.limitedGuest },
        { projectId: 11, roleId: PROJECT_ROLES.maintainer },
      ],
    } as unknown as ProjectMemberRepository);
    expect(await byUser.memberProjectIds(alice, 'log:list')).toEqual([7, 11]);
    expect(await byUser.memberProjectIds(alice, 'webhook:read')).toEqual([11]);
    expect(await byUser.memberProjectIds(anonymous, 'log:list')).toEqual([]);
  });
});
