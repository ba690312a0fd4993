import { describe, expect, it } from 'vitest';
import { isScannerPull, isScannerRobotName } from './scanner-pull';

const REPO = 'team/app';
const token = (subject: string | undefined, actions: string[], name = REPO) => ({
  ...(subject === undefined ? {} : { subject }),
  access: [{ type: 'repository', name, actions }],
});

describe('isScannerRobotName', () => {
  it.each([
    ['robot$berth-scanner-8f2c', true],
    ['robot$team+berth-scanner-8f2c', true],
    ['robot$team+berth-scanner-', false],
    ['robot$team+ci', false],
    ['berth-scanner-8f2c', false],
    ['robot$berth-scannerx', false],
  ])('%s → %s', (name, expected) => {
    expect(isScannerRobotName(name)).toBe(expected);
  });
});

describe('isScannerPull', () => {
  it('exempts a token with scanner-pull on that repository', () => {
    expect(isScannerPull(token('robot$team+adapter', ['pull', 'scanner-pull']), REPO)).toBe(true);
  });

  it('does not exempt scanner-pull granted on another repository, or a wildcard grant', () => {
    expect(isScannerPull(token('x', ['pull', 'scanner-pull'], 'team/other'), REPO)).toBe(false);
    expect(isScannerPull(token('admin', ['*']), REPO)).toBe(false);
    expect(isScannerPull(token(undefined, ['pull']), REPO)).toBe(false);
  });

  it('exempts a scan robot by name', () => {
    expect(isScannerPull(token('robot$team+berth-scanner-1a2b', ['pull']), REPO)).toBe(true);
  });
});
