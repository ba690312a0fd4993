import type { RegistryAccessEntry } from '@berth/contracts';
import type { RegistryAction } from '@berth/projects/domain';
import type { Principal } from './principal';

/**
 * The registry actions a principal has in a project (ProjectRegistryAccess in production);
 * `repository`, the path after the project name, matters to robots' repository patterns.
 */
export interface RegistryActionLookup {
  registryActions(
    principal: Principal,
    projectName: string,
    repository?: string,
  ): Promise<RegistryAction[]>;
}

/**
 * The part of the requested access the principal gets: for each repository, the intersection
 * of the actions asked (`*` meaning pull, push and delete) and those its project's role table
 * allows; an entry left empty is dropped. System admins get everything asked, even on projects
 * that do not exist (the registry then answers NAME_UNKNOWN). `registry:catalog:*` is for
 * system admins only, as in Harbor: the catalog is never filtered per caller.
 *
 * Robots get what their permissions list, repository by repository (their patterns are per
 * repository), and never the catalog.
 */
export async function grantedAccess(
  principal: Principal,
  requested: readonly RegistryAccessEntry[],
  lookup: RegistryActionLookup,
): Promise<RegistryAccessEntry[]> {
  switch (principal.kind) {
    case 'user':
      if (principal.sysadmin)
        return requested.map((e) => ({ type: e.type, name: e.name, actions: [...e.actions] }));
      return intersect(principal, requested, lookup);
    case 'anonymous':
      return intersect(principal, requested, lookup);
    case 'robot':
      return intersectPerRepository(principal, requested, lookup);
    default:
      return unknownPrincipal(principal);
  }
}

async function intersect(
  principal: Principal,
  requested: readonly RegistryAccessEntry[],
  lookup: RegistryActionLookup,
): Promise<RegistryAccessEntry[]> {
  const byProject = new Map<string, Promise<RegistryAction[]>>();
  const granted: RegistryAccessEntry[] = [];
  for (const entry of requested) {
    if (entry.type !== 'repository') continue; // the catalog: system admins only
    const project = entry.name.split('/')[0];
    if (!byProject.has(project)) byProject.set(project, lookup.registryActions(principal, project));
    const allowed = await byProject.get(project)!;
    const asked = entry.actions.includes('*') ? ['pull', 'push', 'delete'] : entry.actions;
    const actions = asked.filter((a) => (allowed as readonly string[]).includes(a));
    if (actions.length > 0) granted.push({ type: entry.type, name: entry.name, actions });
  }
  return granted;
}

async function intersectPerRepository(
  principal: Principal,
  requested: readonly RegistryAccessEntry[],
  lookup: RegistryActionLookup,
): Promise<RegistryAccessEntry[]> {
  const granted: RegistryAccessEntry[] = [];
  for (const entry of requested) {
    if (entry.type !== 'repository') continue; // the catalog: system admins only
    const slash = entry.name.indexOf('/');
    if (slash <= 0) continue; // a repository outside any project belongs to no robot
    const allowed = await lookup.registryActions(
      principal,
      entry.name.slice(0, slash),
      entry.name.slice(slash + 1),
    );
    const asked = entry.actions.includes('*') ? ['pull', 'push', 'delete'] : entry.actions;
    const actions = asked.filter((a) => (allowed as readonly string[]).includes(a));
    if (actions.length > 0) granted.push({ type: entry.type, name: entry.name, actions });
  }
  return granted;
}

function unknownPrincipal(principal: never): never {
  throw new Error(`no grant rule for principal ${JSON.stringify(principal)}`);
}
