import { eventSchemas, type EventEnvelope, type EventType } from '@berth/contracts';
import type { AuditRecord } from '../forwarding/audit-record';

/** What the audit log keeps of an event: everything of a record but its row id. */
export type AuditEntry = Omit<AuditRecord, 'id'>;

const artifactResource = (d: { repository: string; tag?: string; digest: string }): string =>
  d.tag ? `${d.repository}:${d.tag}` : `${d.repository}@${d.digest}`;

function entry(
  envelope: EventEnvelope,
  fields: Omit<AuditEntry, 'eventId' | 'opTime' | 'result' | 'operator' | 'sourceAddress'> & {
    result?: boolean;
  },
  actor: { operator?: string; sourceAddress?: string },
): AuditEntry {
  return {
    eventId: envelope.id,
    opTime: new Date(envelope.occurredAt).toISOString(),
    operator: actor.operator ?? 'anonymous',
    ...(actor.sourceAddress ? { sourceAddress: actor.sourceAddress } : {}),
    result: fields.result ?? true,
    ...fields,
  };
}

const OPERATIONS = { created: 'create', updated: 'update', deleted: 'delete' } as const;

/**
 * The audit entry of an event, in Harbor's vocabulary (resource types `artifact`, `project`,
 * `project_member`, `robot`, `user`, `configuration`, `user_login_logout`; operations `create`,
 * `update`, `delete`, `pull`, `login`, `logout`), or undefined for events that are not audited.
 * Project ids are resolved later by name, since registry events carry the project's name only.
 */
export function auditEntryOf(envelope: EventEnvelope): AuditEntry | undefined {
  if (!Object.hasOwn(eventSchemas, envelope.type)) return undefined;
  const type = envelope.type as EventType;
  switch (type) {
    case 'artifact.pushed':
    case 'artifact.pulled':
    case 'artifact.deleted': {
      const d = eventSchemas[type].parse(envelope.data);
      const operation = {
        'artifact.pushed': 'create',
        'artifact.pulled': 'pull',
        'artifact.deleted': 'delete',
      }[type];
      return entry(
        envelope,
        { resource: artifactResource(d), resourceType: 'artifact', operation },
        d,
      );
    }
    case 'tag.created':
    case 'tag.deleted': {
      const d = eventSchemas[type].parse(envelope.data);
      return entry(
        envelope,
        {
          resource: `${d.repository}:${d.tag}`,
          resourceType: 'tag',
          operation: type === 'tag.created' ? 'create' : 'delete',
          description: `${type === 'tag.created' ? 'tagged' : 'untagged'} ${d.digest}`,
        },
        d,
      );
    }
    case 'project.created':
    case 'project.updated':
    case 'project.deleted': {
      const d = eventSchemas[type].parse(envelope.data);
      const changes = changesOf(d);
      return entry(
        envelope,
        {
          resource: d.project,
          resourceType: 'project',
          operation: OPERATIONS[type.slice('project.'.length) as keyof typeof OPERATIONS],
          projectId: d.projectId,
          ...(changes.length > 0 ? { description: `changed ${changes.join(', ')}` } : {}),
        },
        d,
      );
    }
    case 'member.added':
    case 'member.updated':
    case 'member.removed': {
      const d = eventSchemas[type].parse(envelope.data);
      const operation = {
        'member.added': 'create',
        'member.updated': 'update',
        'member.removed': 'delete',
      }[type];
      return entry(
        envelope,
        {
          resource: `${d.project}/${d.member}`,
          resourceType: 'project_member',
          operation,
          projectId: d.projectId,
          ...('role' in d ? { description: `${d.memberKind} ${d.member} as ${d.role}` } : {}),
        },
        d,
      );
    }
    case 'user.created':
    case 'user.updated':
    case 'user.deleted': {
      const d = eventSchemas[type].parse(envelope.data);
      const changes = changesOf(d);
      return entry(
        envelope,
        {
          resource: d.username,
          resourceType: 'user',
          operation: OPERATIONS[type.slice('user.'.length) as keyof typeof OPERATIONS],
          ...(changes.length > 0 ? { description: `changed ${changes.join(', ')}` } : {}),
        },
        d,
      );
    }
    case 'robot.created':
    case 'robot.updated':
    case 'robot.deleted': {
      const d = eventSchemas[type].parse(envelope.data);
      const changes = changesOf(d);
      return entry(
        envelope,
        {
          resource: d.robot,
          resourceType: 'robot',
          operation: OPERATIONS[type.slice('robot.'.length) as keyof typeof OPERATIONS],
          ...(changes.length > 0 ? { description: `changed ${changes.join(', ')}` } : {}),
        },
        d,
      );
    }
    case 'login.succeeded':
    case 'login.failed': {
      const d = eventSchemas[type].parse(envelope.data);
      const failed = type === 'login.failed';
      return entry(
        envelope,
        {
          resource: d.operator,
          resourceType: 'user_login_logout',
          operation: 'login',
          result: !failed,
          description: `${d.method} login${'reason' in d ? `: ${d.reason}` : ''}`,
        },
        d,
      );
    }
    case 'login.ended': {
      const d = eventSchemas[type].parse(envelope.data);
      return entry(
        envelope,
        { resource: d.operator, resourceType: 'user_login_logout', operation: 'logout' },
        d,
      );
    }
    case 'config.changed': {
      const d = eventSchemas[type].parse(envelope.data);
      return entry(
        envelope,
        {
          resource: 'configurations',
          resourceType: 'configuration',
          operation: 'update',
          description: `changed ${d.keys.join(', ')}`,
        },
        d,
      );
    }
    case 'system.initialized':
      return undefined;
  }
}

function changesOf(data: object): string[] {
  const changes = (data as { changes?: unknown }).changes;
  return Array.isArray(changes) ? changes.map(String) : [];
}

/** The project an entry belongs to by name, for entries that name one but carry no id. */
export function projectNameOf(envelope: EventEnvelope): string | undefined {
  const data = envelope.data as { project?: unknown };
  return typeof data?.project === 'string' ? data.project : undefined;
}
