import { describe, expect, it } from 'vitest';
import type { RegistryAccessEntry } from '@berth/contracts';
import {
  PROJECT_ROLES,
  permits,
  REGISTRY_ACTIONS,
  type ProjectRoleId,
  type RegistryAction,
} from '@berth/projects/domain';
import { grantedAccess, type RegistryActionLookup } from './granted-access';
import type { Principal } from './principal';

const ALICE: Principal = { kind: 'user', id: 2, username: 'alice', sysadmin: false };
const ADMIN: Principal = { kind: 'user', id: 1, username: 'admin', sysadmin: true };
const ANON: Principal = { kind: 'anonymous' };

/** Projects: `pub` public with no roles, `priv` private; alice holds `role` in `team`. */
function lookup(role?: ProjectRoleId): RegistryActionLookup {
  const projects: Record<string, { isPublic: boolean; roles: Record<string, ProjectRoleId> }> = {
    pub: { isPublic: true, roles: {} },
    priv: { isPublic: false, roles: {} },
    team: { isPublic: false, roles: role ? { alice: role } : {} },
  };
  return {
    registryActions: async (principal: Principal, name: string): Promise<RegistryAction[]> => {
      const p = projects[name];
      if (!p) return [];
      const r = principal.kind === 'user' ? p.roles[principal.username] : undefined;
      return REGISTRY_ACTIONS.filter((a) => permits(r, p.isPublic, a));
    },
  };
}

const ask = (name: string, ...actions: string[]): RegistryAccessEntry => ({
  type: 'repository',
  name,
  actions,
});
const CATALOG: RegistryAccessEntry = { type: 'registry', name: 'catalog', actions: ['*'] };

describe('grantedAccess', () => {
  it('grants a system admin everything requested, catalog and missing projects included', async () => {
    const requested = [ask('team/app', 'pull', 'push', 'delete'), ask('nope/x', '*'), CATALOG];
    expect(await grantedAccess(ADMIN, requested, lookup())).toEqual(requested);
  });

  it.each([
    ['projectAdmin', PROJECT_ROLES.projectAdmin, ['pull', 'push', 'delete']],
    ['maintainer', PROJECT_ROLES.maintainer, ['pull', 'push', 'delete']],
    ['developer', PROJECT_ROLES.developer, ['pull', 'push']],
    ['guest', PROJECT_ROLES.guest, ['pull']],
    ['limitedGuest', PROJECT_ROLES.limitedGuest, ['pull']],
  ] as const)(
    'grants a %s exactly what the role allows of what was asked',
    async (_, role, actions) => {
      const granted = await grantedAccess(
        ALICE,
        [ask('team/app', 'pull', 'push', 'delete'), ask('team/nested/x', '*')],
        lookup(role),
      );
      expect(granted).toEqual([ask('team/app', ...actions), ask('team/nested/x', ...actions)]);
    },
  );

  it('never grants more than was asked', async () => {
    expect(
      await grantedAccess(ALICE, [ask('team/app', 'pull')], lookup(PROJECT_ROLES.projectAdmin)),
    ).toEqual([ask('team/app', 'pull')]);
  });

  it('grants a non-member pull on public projects only, and nothing on missing projects', async () => {
    const requested = [
      ask('pub/app', 'pull', 'push'),
      ask('priv/app', 'pull'),
      ask('team/app', 'pull'),
      ask('nope/app', 'push'),
    ];
    expect(await grantedAccess(ALICE, requested, lookup())).toEqual([ask('pub/app', 'pull')]);
  });

  it('grants anonymous callers pull on public projects only', async () => {
    const requested = [ask('pub/app', 'pull', 'push', 'delete'), ask('priv/app', 'pull'), CATALOG];
    expect(await grantedAccess(ANON, requested, lookup())).toEqual([ask('pub/app', 'pull')]);
  });

  it('keeps the catalog for system admins', async () => {
    expect(await grantedAccess(ALICE, [CATALOG], lookup(PROJECT_ROLES.projectAdmin))).toEqual([]);
  });
});
