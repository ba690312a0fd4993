import { describe, expect, it } from 'vitest';
import type { RegistryAccessEntry } from '@berth/contracts';
import { grantedAccess } from './granted-access';

const requested: RegistryAccessEntry[] = [
  { type: 'repository', name: 'library/app', actions: ['pull', 'push', 'delete'] },
  { type: 'repository', name: 'team/x', actions: ['*'] },
  { type: 'registry', name: 'catalog', actions: ['*'] },
];

describe('grantedAccess', () => {
  it('grants the system admin everything requested', () => {
    expect(grantedAccess({ kind: 'admin', subject: 'admin' }, requested)).toEqual(requested);
  });

  it('grants anonymous callers nothing', () => {
    expect(grantedAccess({ kind: 'anonymous' }, requested)).toEqual([]);
  });
});
