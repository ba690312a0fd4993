import { describe, expect, it } from 'vitest';
import { projectNameError } from './project-name';
import { parseProjectMetadata } from './project-metadata';

describe('projectNameError', () => {
  it.each(['library', 'a', 'team-1', 'my.project', 'a__b', 'a--b', 'x'.repeat(255)])(
    'accepts %j',
    (name) => expect(projectNameError(name)).toBeUndefined(),
  );

  it.each(['', 'Library', '-a', 'a-', 'a..b', 'a/b', 'a b', '_a', 'a___b', 'x'.repeat(256), 7])(
    'refuses %j',
    (name) => expect(projectNameError(name)).toBeTypeOf('string'),
  );
});

describe('parseProjectMetadata', () => {
  it('keeps Harbor’s keys as strings, booleans included', () => {
    expect(parseProjectMetadata({ public: true, auto_scan: 'False', severity: 'High' })).toEqual({
      public: 'true',
      auto_scan: 'false',
      severity: 'high',
    });
  });

  it.each([{ owner: 'x' }, { public: 'yes' }, { severity: 'urgent' }, { public: 1 }, []])(
    'refuses %j',
    (raw) => expect(() => parseProjectMetadata(raw)).toThrow(),
  );
});
