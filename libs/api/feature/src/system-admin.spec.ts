import { describe, expect, it } from 'vitest';
import { HarborApiError } from '@berth/api/domain';
import type { Principal } from '@berth/identity/domain';
import { requireSysadmin } from './system-admin';

const statusOf = (p: Principal): number | undefined => {
  try {
    requireSysadmin(p);
    return undefined;
  } catch (e) {
    return e instanceof HarborApiError ? e.status : -1;
  }
};

describe('requireSysadmin', () => {
  it('passes a system admin, and refuses anonymous callers with 401 and anyone else with 403', () => {
    expect(statusOf({ kind: 'user', id: 1, username: 'admin', sysadmin: true })).toBeUndefined();
    expect(statusOf({ kind: 'anonymous' })).toBe(401);
    expect(statusOf({ kind: 'user', id: 2, username: 'dev', sysadmin: false })).toBe(403);
  });
});
