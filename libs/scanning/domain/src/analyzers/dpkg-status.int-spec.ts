import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDpkgStatus } from './dpkg-status.analyzer';

describe('dpkg status analyzer on this machine', () => {
  it('finds exactly the packages and versions dpkg-query lists as installed', () => {
    const found = parseDpkgStatus(
      fs.readFileSync('/var/lib/dpkg/status', 'utf8'),
      'var/lib/dpkg/status',
    );
    const listed = execFileSync(
      'dpkg-query',
      ['-W', '-f', '${db:Status-Status} ${Package}:${Architecture} ${Version}\\n'],
      {
        encoding: 'utf8',
      },
    )
      .split('\n')
      .filter((l) => l.startsWith('installed '))
      .map((l) => l.slice('installed '.length))
      .sort();
    expect(listed.length).toBeGreaterThan(50);
    expect(found.map((p) => `${p.name}:${p.arch} ${p.version}`).sort()).toEqual(listed);
  });
});
