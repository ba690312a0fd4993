import { describe, expect, it } from 'vitest';
import { createEvent } from '@berth/platform/messaging';
import { auditEntryOf, projectNameOf } from './audit-record.mapper';

const actor = { operator: 'alice', sourceAddress: '192.0.2.7' };
const digest = `sha256:${'a'.repeat(64)}`;

describe('auditEntryOf', () => {
  it('records a push by tag as an artifact create, a pull by digest as a pull', () => {
    const push = createEvent(
      'artifact.pushed',
      {
        project: 'lib',
        repository: 'lib/app',
        digest,
        mediaType: 'm',
        size: 1,
        tag: '1.0',
        ...actor,
      },
      'registry',
    );
    expect(auditEntryOf(push)).toEqual({
      eventId: push.id,
      opTime: push.occurredAt,
      operator: 'alice',
      sourceAddress: '192.0.2.7',
      resource: 'lib/app:1.0',
      resourceType: 'artifact',
      operation: 'create',
      result: true,
    });
    const pull = createEvent(
      'artifact.pulled',
      { project: 'lib', repository: 'lib/app', digest, mediaType: 'm' },
      'registry',
    );
    expect(auditEntryOf(pull)).toMatchObject({
      resource: `lib/app@${digest}`,
      operation: 'pull',
      operator: 'anonymous',
    });
    expect(projectNameOf(pull)).toBe('lib');
  });

  it('records failed logins as failures with their reason, and logouts', () => {
    const failed = createEvent(
      'login.failed',
      { ...actor, method: 'token', reason: 'bad credentials' },
      'auth',
    );
    expect(auditEntryOf(failed)).toMatchObject({
      resource: 'alice',
      resourceType: 'user_login_logout',
      operation: 'login',
      result: false,
      description: 'token login: bad credentials',
    });
    expect(auditEntryOf(createEvent('login.ended', actor, 'api'))).toMatchObject({
      operation: 'logout',
      result: true,
    });
  });

  it('names changed fields, never values', () => {
    const e = createEvent(
      'user.updated',
      { ...actor, userId: 3, username: 'bob', changes: ['password'] },
      'api',
    );
    expect(auditEntryOf(e)).toMatchObject({
      resource: 'bob',
      resourceType: 'user',
      operation: 'update',
      description: 'changed password',
    });
    const m = createEvent(
      'member.added',
      {
        ...actor,
        projectId: 4,
        project: 'lib',
        memberId: 9,
        member: 'bob',
        memberKind: 'user',
        role: 'developer',
      },
      'api',
    );
    expect(auditEntryOf(m)).toMatchObject({
      resource: 'lib/bob',
      resourceType: 'project_member',
      operation: 'create',
      projectId: 4,
    });
    const c = createEvent(
      'config.changed',
      { ...actor, keys: ['audit_log_forward_endpoint'] },
      'api',
    );
    expect(auditEntryOf(c)).toMatchObject({ resourceType: 'configuration', operation: 'update' });
  });

  it('skips events that are not audited', () => {
    const e = createEvent(
      'system.initialized',
      { instanceId: '6f1c1f57-8a43-4b5e-9a1d-2c7b3f0e9d11' },
      'berth',
    );
    expect(auditEntryOf(e)).toBeUndefined();
    expect(auditEntryOf({ ...e, type: 'something.else' })).toBeUndefined();
  });
});
