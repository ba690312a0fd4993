import { describe, expect, it } from 'vitest';
import {
  normalizePackageName,
  OsvDatabase,
  OsvFormatError,
  parseOsvAdvisory,
  parseOsvEcosystem,
} from './osv-database';

const record = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'GHSA-35jh-r3h4-6jhm',
  modified: '2022-02-08T21:35:09Z',
  affected: [
    {
      package: { ecosystem: 'npm', name: 'lodash' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }],
    },
  ],
  ...over,
});

describe('parseOsvAdvisory', () => {
  it('keeps the fields matching and reporting read, and drops the rest', () => {
    const parsed = parseOsvAdvisory(
      record({
        aliases: ['CVE-2021-23337'],
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' }],
        references: [{ type: 'WEB', url: 'https://example.org/a' }, { nourl: true }],
        credits: [{ name: 'someone' }],
        database_specific: { cwe_ids: ['CWE-77'], severity: 'HIGH', github_reviewed: true },
      }),
    );
    expect(parsed).toEqual({
      id: 'GHSA-35jh-r3h4-6jhm',
      modified: '2022-02-08T21:35:09Z',
      aliases: ['CVE-2021-23337'],
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' }],
      affected: [
        {
          package: { ecosystem: 'npm', name: 'lodash' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }],
        },
      ],
      references: [{ type: 'WEB', url: 'https://example.org/a' }],
      database_specific: { cwe_ids: ['CWE-77'], severity: 'HIGH' },
    });
  });

  it("drops the parts of the *_specific fields it does not read (Go's symbol lists)", () => {
    const parsed = parseOsvAdvisory(
      record({
        affected: [
          {
            package: { ecosystem: 'Go', name: 'stdlib' },
            ecosystem_specific: { imports: [{ path: 'net/http', symbols: ['Get'] }] },
            database_specific: { source: 'https://example.org', urgency: 'low' },
          },
        ],
      }),
    );
    expect(parsed.affected).toEqual([
      { package: { ecosystem: 'Go', name: 'stdlib' }, database_specific: { urgency: 'low' } },
    ]);
  });

  it.each([
    [[], 'must be a JSON object'],
    [{ modified: '2022-01-01T00:00:00Z' }, 'non-empty string "id"'],
    [record({ modified: 'yesterday' }), '"modified" is not an RFC 3339 time'],
    [record({ affected: {} }), '"affected" is not a list'],
    [record({ affected: [{ package: { name: 'x' } }] }), 'package needs string "ecosystem"'],
    [
      record({
        affected: [
          { package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER', events: [{}] }] },
        ],
      }),
      'must hold exactly one of introduced, fixed, last_affected, limit',
    ],
    [
      record({
        affected: [
          {
            package: { ecosystem: 'npm', name: 'x' },
            ranges: [{ type: 'SEMVER', events: [{ introduced: '0', fixed: '1' }] }],
          },
        ],
      }),
      'exactly one of',
    ],
    [record({ aliases: 'CVE-1' }), '"aliases" is not a list of strings'],
    [record({ severity: [{ type: 'CVSS_V3' }] }), 'severity[0] needs string "type" and "score"'],
  ])('rejects a malformed record (%#): %s', (value, message) => {
    expect(() => parseOsvAdvisory(value)).toThrow(OsvFormatError);
    expect(() => parseOsvAdvisory(value)).toThrow(message);
  });
});

describe('parseOsvEcosystem', () => {
  it.each([
    ['Debian:12', 'debian', '12'],
    ['Debian', 'debian', ''],
    ['Alpine:v3.20', 'alpine', 'v3.20'],
    ['Alpine:3.20.3', 'alpine', 'v3.20'],
    ['Ubuntu:22.04:LTS', 'ubuntu', '22.04'],
    ['Ubuntu:Pro:18.04:LTS', 'ubuntu', 'pro:18.04'],
    ['Red Hat:enterprise_linux:9::appstream', 'red hat', '9'],
    ['Rocky Linux:9', 'rocky linux', '9'],
    ['AlmaLinux:9.4', 'almalinux', '9'],
    ['PyPI', 'pypi', ''],
    ['crates.io', 'crates.io', ''],
  ])('%s → family %s, release %s', (ecosystem, family, release) => {
    expect(parseOsvEcosystem(ecosystem)).toEqual({ family, release });
  });
});

describe('normalizePackageName', () => {
  it('normalizes PyPI names per PEP 503 and leaves other ecosystems as written', () => {
    expect(normalizePackageName('pypi', 'Zope.Interface')).toBe('zope-interface');
    expect(normalizePackageName('pypi', 'python__dateutil')).toBe('python-dateutil');
    expect(normalizePackageName('pypi', 'a-_.b')).toBe('a-b');
    expect(normalizePackageName('go', 'github.com/BurntSushi/toml')).toBe(
      'github.com/BurntSushi/toml',
    );
    expect(normalizePackageName('maven', 'org.apache.logging.log4j:log4j-core')).toBe(
      'org.apache.logging.log4j:log4j-core',
    );
  });
});

describe('OsvDatabase', () => {
  it('indexes affected packages by family and normalized name, across releases', () => {
    const db = new OsvDatabase();
    db.add(
      parseOsvAdvisory({
        id: 'DSA-5514-1',
        modified: '2023-10-03T00:00:00Z',
        affected: [
          { package: { ecosystem: 'Debian:11', name: 'glibc' } },
          { package: { ecosystem: 'Debian:12', name: 'glibc' } },
        ],
      }),
    );
    db.add(
      parseOsvAdvisory({
        id: 'GHSA-v845-jxx5-vc9f',
        modified: '2023-11-04T00:30:22Z',
        affected: [{ package: { ecosystem: 'PyPI', name: 'urllib3' } }],
      }),
    );
    expect(db.entriesFor('Debian', 'glibc').map((e) => e.release)).toEqual(['11', '12']);
    expect(db.entriesFor('PyPI', 'URLLib3')).toHaveLength(1);
    expect(db.entriesFor('npm', 'glibc')).toHaveLength(0);
    expect(db.advisoryCount).toBe(2);
    expect(db.newestModified).toBe('2023-11-04T00:30:22Z');
  });

  it('counts withdrawn advisories without indexing them, and reads each id once', () => {
    const db = new OsvDatabase();
    const withdrawn = parseOsvAdvisory({
      id: 'MAL-2026-4377',
      modified: '2026-05-26T17:12:48Z',
      withdrawn: '2026-05-26T17:12:48Z',
      affected: [{ package: { ecosystem: 'npm', name: '@ctrl/plex' }, versions: ['6.0.0'] }],
    });
    expect(db.add(withdrawn)).toBe(false);
    expect(db.entriesFor('npm', '@ctrl/plex')).toEqual([]);
    expect(db.advisoryCount).toBe(0);
    expect(db.withdrawn).toBe(1);
    const lodash = parseOsvAdvisory(record());
    expect(db.add(lodash)).toBe(true);
    expect(db.add(lodash)).toBe(false);
    expect(db.entriesFor('npm', 'lodash')).toHaveLength(1);
  });
});
