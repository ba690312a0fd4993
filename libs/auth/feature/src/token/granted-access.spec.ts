import { describe, expect, it } from 'vitest';
import type { RegistryAccessEntry } from '@berth/contracts';
import { grantedAccess } from './granted-access';

const requested: RegistryAccessEntry[] = [
  { type: 'repository', name: 'library/app', actions: ['pull', 'push', 'delete'] },
  { type: 'repository', name: 'team/x', actions: ['*'] },
  { type: 'registry', name: 'catalog', actions: ['*'] },
];

describe('grantedAccess', () => {
  it('grants a system admin everything requested', () => {
    expect(
      grantedAccess({ kind: 'user', id: 1, username: 'admin', sysadmin: true }, requested),
    ).toEqual(requested);
  });

  it('grants a user without roles nothing yet', () => {
    expect(
      grantedAccess({ kind: 'user', id: 2, username: 'alice', sysadmin: false }, requested),
    ).toEqual([]);
  });

  it('grants anonymous callers nothing', () => {
    expect(grantedAccess({ kind: 'anonymous' }, requested)).toEqual([]);
  });
});
