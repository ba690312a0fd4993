import type { Actor, EventEnvelope } from '@berth/contracts';
import { createEvent } from '@berth/platform/messaging';
import type { Project } from './project.repository';
import type { ProjectMemberEntity } from './project-member.entity';
import { roleName } from './project-role';

/** The `source` of the events the project use cases append. */
export const PROJECTS_EVENT_SOURCE = 'projects';

type ProjectRefOf = Pick<Project, 'id' | 'name'>;

const refOf = (actor: Actor, project: ProjectRefOf) => ({
  ...actor,
  projectId: project.id,
  project: project.name,
});

export function projectCreated(actor: Actor, project: Project): EventEnvelope {
  return createEvent(
    'project.created',
    { ...refOf(actor, project), public: project.isPublic },
    PROJECTS_EVENT_SOURCE,
  );
}

/** `changes` names the metadata keys that changed, never their values. */
export function projectUpdated(
  actor: Actor,
  project: ProjectRefOf,
  changes: string[],
): EventEnvelope {
  return createEvent(
    'project.updated',
    { ...refOf(actor, project), changes },
    PROJECTS_EVENT_SOURCE,
  );
}

export function projectDeleted(actor: Actor, project: ProjectRefOf): EventEnvelope {
  return createEvent('project.deleted', refOf(actor, project), PROJECTS_EVENT_SOURCE);
}

/** The keys of `entries` whose values differ from `current`. */
export function changedKeys(
  current: Record<string, string>,
  entries: Record<string, string>,
): string[] {
  return Object.keys(entries).filter(
    (k) => !Object.hasOwn(current, k) || current[k] !== entries[k],
  );
}

const memberOf = (
  actor: Actor,
  project: ProjectRefOf,
  member: ProjectMemberEntity,
  entityName: string,
) => ({
  ...refOf(actor, project),
  memberId: member.id,
  // A member whose user was deleted since has no name left to show.
  member: entityName || `#${member.entityId}`,
  memberKind: member.entityType === 'u' ? ('user' as const) : ('group' as const),
});

export function memberAdded(
  actor: Actor,
  project: ProjectRefOf,
  member: ProjectMemberEntity,
  entityName: string,
): EventEnvelope {
  return createEvent(
    'member.added',
    { ...memberOf(actor, project, member, entityName), role: roleName(member.roleId) },
    PROJECTS_EVENT_SOURCE,
  );
}

/** `member` carries the new role. */
export function memberUpdated(
  actor: Actor,
  project: ProjectRefOf,
  member: ProjectMemberEntity,
  entityName: string,
): EventEnvelope {
  return createEvent(
    'member.updated',
    { ...memberOf(actor, project, member, entityName), role: roleName(member.roleId) },
    PROJECTS_EVENT_SOURCE,
  );
}

export function memberRemoved(
  actor: Actor,
  project: ProjectRefOf,
  member: ProjectMemberEntity,
  entityName: string,
): EventEnvelope {
  return createEvent(
    'member.removed',
    memberOf(actor, project, member, entityName),
    PROJECTS_EVENT_SOURCE,
  );
}
