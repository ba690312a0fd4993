import { describe, expect, it } from 'vitest';
import { isExpired, expiresAtFor, durationError, NEVER_EXPIRES } from './robot-expiry';
import { fullRobotName, isRobotName, robotNameError } from './robot-name';
import {
  repositoryMatches,
  repositoryPatternError,
  robotPermissionsError,
  robotRegistryActions,
  type RobotGrantee,
} from './robot-permission';
import { generateRobotSecret, robotSecretError } from './robot-secret';

const LIBRARY = { id: 1, name: 'library' };
const OTHER = { id: 2, name: 'other' };

describe('repository patterns', () => {
  it.each([
    ['app-*', 'app-1', true],
    ['app-*', 'app-', true],
    ['app-*', 'other', false],
    ['app-*', 'xapp-1', false],
    ['*', 'team/app', true],
    ['team/*/web', 'team/a/web', true],
    ['team/*/web', 'team/a/api', false],
    ['app', 'app', true],
    ['app', 'app2', false],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbY', false],
  ])('%s matches %s: %s', (pattern, repo, expected) => {
    expect(repositoryMatches(pattern, repo)).toBe(expected);
  });

  it.each(['', 'App-*', 'app?', 'a//b', '/app', 'app/', '..', 'a b', 'x'.repeat(256)])(
    'refuses %j',
    (pattern) => expect(repositoryPatternError(pattern)).toBeDefined(),
  );
  it('accepts globs over repository paths', () => {
    expect(repositoryPatternError('team/app-*')).toBeUndefined();
  });
});

describe('robot permissions', () => {
  const pushApps: RobotGrantee = {
    level: 'project',
    projectId: 1,
    permissions: [
      {
        kind: 'project',
        namespace: 'library',
        repository: 'app-*',
        access: [
          { resource: 'repository', action: 'push' },
          { resource: 'repository', action: 'pull' },
        ],
      },
    ],
  };

  it('grants within the project and the pattern only', () => {
    expect(robotRegistryActions(pushApps, LIBRARY, 'app-1')).toEqual(['pull', 'push']);
    expect(robotRegistryActions(pushApps, LIBRARY, 'other')).toEqual([]);
    expect(robotRegistryActions(pushApps, OTHER, 'app-1')).toEqual([]);
  });

  it('binds a project robot to its project id, even if a namespace names another', () => {
    expect(robotRegistryActions({ ...pushApps, projectId: 9 }, LIBRARY, 'app-1')).toEqual([]);
  });

  it('lets a system robot reach every project with `*`, and a deny win', () => {
    const system: RobotGrantee = {
      level: 'system',
      permissions: [
        { kind: 'project', namespace: '*', access: [{ resource: 'repository', action: 'pull' }] },
        {
          kind: 'project',
          namespace: 'other',
          access: [{ resource: 'repository', action: 'pull', effect: 'deny' }],
        },
      ],
    };
    expect(robotRegistryActions(system, LIBRARY, 'x')).toEqual(['pull']);
    expect(robotRegistryActions(system, OTHER, 'x')).toEqual([]);
  });

  it('validates shape, level and namespace', () => {
    const ok = [
      {
        kind: 'project',
        namespace: 'library',
        access: [{ resource: 'repository', action: 'pull' }],
      },
    ];
    expect(robotPermissionsError('project', ok, 'library')).toBeUndefined();
    expect(robotPermissionsError('project', ok, 'other')).toMatch(/own project/);
    expect(robotPermissionsError('system', ok)).toBeUndefined();
    expect(robotPermissionsError('system', [])).toMatch(/empty/);
    expect(robotPermissionsError('system', 'x')).toMatch(/list/);
    expect(
      robotPermissionsError('system', [
        { ...ok[0], access: [{ resource: 'user', action: 'create' }] },
      ]),
    ).toMatch(/unsupported/);
    expect(robotPermissionsError('system', [{ ...ok[0], repository: 'Bad' }])).toBeDefined();
    expect(
      robotPermissionsError('project', [{ ...ok[0], namespace: '*' }], 'library'),
    ).toBeDefined();
    expect(robotPermissionsError('system', [{ ...ok[0], kind: 'system' }])).toBeDefined();
  });
});

describe('robot names', () => {
  it('follows Harbor’s rule and prefixes', () => {
    expect(robotNameError('ci-bot.1')).toBeUndefined();
    for (const bad of ['', 'CI', 'a$b', 'a+b', '-a', 'a--b', 'x'.repeat(129)])
      expect(robotNameError(bad), bad).toBeDefined();
    expect(fullRobotName('system', 'ci')).toBe('robot$ci');
    expect(fullRobotName('project', 'ci', 'library')).toBe('robot$library+ci');
    expect(isRobotName('robot$ci')).toBe(true);
    expect(isRobotName('robot')).toBe(false);
  });
});

describe('robot expiry and secrets', () => {
  const now = new Date('2025-01-01T00:00:00Z');
  it('expires `duration` days after, or never', () => {
    const at = expiresAtFor(2, now);
    expect(at).toBe(now.getTime() / 1000 + 2 * 86_400);
    expect(isExpired(at, new Date(now.getTime() + 86_400_000))).toBe(false);
    expect(isExpired(at, new Date(now.getTime() + 2 * 86_400_000))).toBe(true);
    expect(expiresAtFor(NEVER_EXPIRES, now)).toBe(-1);
    expect(isExpired(-1, new Date(8.64e15))).toBe(false);
    expect(durationError(0)).toBeDefined();
    expect(durationError(1.5)).toBeDefined();
    expect(durationError(-1)).toBeUndefined();
  });
  it('generates secrets that meet the password rule, and checks chosen ones', () => {
    for (let i = 0; i < 50; i++) expect(robotSecretError(generateRobotSecret())).toBeUndefined();
    expect(robotSecretError('short')).toMatch(/^secret/);
  });
});
