import { describe, expect, it } from 'vitest';
import { parseScopes, ScopeError } from './registry-scope';

describe('parseScopes', () => {
  it('parses repository and catalog scopes, merging entries for the same repository', () => {
    expect(
      parseScopes([
        'repository:library/app:pull,push',
        'repository:library/app:delete registry:catalog:*',
        'repository:team/x:*',
      ]),
    ).toEqual([
      { type: 'repository', name: 'library/app', actions: ['pull', 'push', 'delete'] },
      { type: 'registry', name: 'catalog', actions: ['*'] },
      { type: 'repository', name: 'team/x', actions: ['*'] },
    ]);
  });

  it('ignores unknown resource types, resource classes and unknown actions', () => {
    expect(
      parseScopes([
        'plugin:thing:pull',
        'repository(plugin):library/app:pull',
        'registry:other:*',
        'repository:library/app:fly',
        'repository:library/app:pull,fly',
      ]),
    ).toEqual([{ type: 'repository', name: 'library/app', actions: ['pull'] }]);
  });

  it.each([
    'repository',
    'repository:library/app',
    ':library/app:pull',
    'repository:Library/App:pull',
    'repository:library//app:pull',
    'repository:../etc:pull',
    'repository::pull',
    `repository:${'a'.repeat(300)}:pull`,
  ])('refuses the malformed scope %j', (scope) => {
    expect(() => parseScopes([scope])).toThrow(ScopeError);
  });

  it('refuses more than 64 scopes', () => {
    const many = Array.from({ length: 65 }, (_, i) => `repository:r${i}:pull`);
    expect(() => parseScopes(many)).toThrow(ScopeError);
  });
});
