import { createHash } from 'node:crypto';
import type { ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InstalledPackage } from '../analyzers/installed-package';
import { toCycloneDx16 } from './cyclonedx';
import { toSpdx23, type SbomInput } from './spdx';
import {
  SPDX_23_SCHEMA_FILE as SPDX_SCHEMA,
  cycloneDxValidator,
  readJsonFile as readJson,
  spdxValidator,
} from './testing/sbom-validators';

const inventory = (): InstalledPackage[] => [
  {
    ecosystem: 'Debian:12',
    name: 'libc6',
    version: '2.36-9+deb12u7',
    sourceName: 'glibc',
    sourceVersion: '2.36-9+deb12u7',
    arch: 'amd64',
    location: 'var/lib/dpkg/status',
  },
  {
    ecosystem: 'Debian:12',
    name: 'bsdutils',
    version: '1:2.38.1-5+deb12u1',
    sourceName: 'util-linux',
    sourceVersion: '2.38.1-5',
    arch: 'amd64',
    location: 'var/lib/dpkg/status',
  },
  {
    ecosystem: 'Debian:12',
    name: 'libstdc++6',
    version: '12.2.0-14',
    arch: 'amd64',
    location: 'var/lib/dpkg/status',
  },
  {
    ecosystem: 'npm',
    name: '@babel/core',
    version: '7.24.0',
    location: 'app/node_modules/@babel/core/package.json',
  },
  { ecosystem: 'npm', name: 'ms', version: '2.1.3', location: 'app/node_modules/ms/package.json' },
  {
    ecosystem: 'npm',
    name: 'ms',
    version: '2.1.3',
    location: 'app/node_modules/debug/node_modules/ms/package.json',
  },
  {
    ecosystem: 'npm',
    name: 'lodash.merge',
    version: '4.6.2',
    location: 'app/node_modules/lodash.merge/package.json',
  },
  {
    ecosystem: 'PyPI',
    name: 'Typing_Extensions',
    version: '4.12.2',
    location: 'usr/lib/python3/dist-packages/typing_extensions-4.12.2.dist-info/METADATA',
  },
  {
    ecosystem: 'PyPI',
    name: 'zope.interface',
    version: '6.4.post2',
    location: 'usr/lib/python3/dist-packages/zope.interface-6.4.post2.dist-info/METADATA',
  },
  { ecosystem: 'Go', name: 'stdlib', version: 'go1.22.5', location: 'usr/local/bin/app' },
  { ecosystem: 'Go', name: 'example.com/app', version: '(devel)', location: 'usr/local/bin/app' },
  {
    ecosystem: 'Go',
    name: 'github.com/BurntSushi/toml',
    version: 'v1.4.0',
    location: 'usr/local/bin/app',
  },
  {
    ecosystem: 'Maven',
    name: 'org.apache.logging.log4j:log4j-core',
    version: '2.17.1',
    location: 'opt/app/app.war:WEB-INF/lib/log4j-core-2.17.1.jar',
  },
  {
    ecosystem: 'Maven',
    name: 'Legacy Tool (Ünïcode)',
    version: '1.0 beta',
    location: 'opt/legacy/tool.jar',
  },
  {
    ecosystem: 'rpm',
    name: 'bash',
    version: '5.1.8-6.el9',
    arch: 'x86_64',
    location: 'var/lib/rpm/rpmdb.sqlite',
  },
];

const input = (): SbomInput => ({
  artifact: {
    repository: 'team-a/web_app',
    digest: 'sha256:3b5e0fd0c4d6a1e9f1c2b5a07a0b2c9d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b',
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    tags: ['1.4.2', 'latest'],
  },
  os: {
    id: 'debian',
    versionId: '12',
    versionCodename: 'bookworm',
    prettyName: 'Debian GNU/Linux 12 (bookworm)',
  },
  packages: inventory(),
  generatedAt: new Date('2026-11-27T18:30:00.123Z'),
  toolVersion: '0.9.0',
});

const errorsOf = (validate: ValidateFunction): string[] =>
  (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);

describe('SPDX 2.3 documents against the official SPDX 2.3 JSON schema', () => {
  let validate: ValidateFunction;
  beforeAll(() => {
    validate = spdxValidator();
  });

  it('uses the schema as published by the SPDX project (spdx-spec v2.3)', () => {
    const content = JSON.stringify(readJson(SPDX_SCHEMA));
    expect(createHash('sha256').update(content).digest('hex')).toBe(
      '09c9c7c77db17a315eef8e86134227bab7ef89460ea74081c86e1a5ad59d31fc',
    );
  });

  it('validates the document of a realistic inventory', () => {
    const doc = toSpdx23(input());
    const valid = validate(JSON.parse(JSON.stringify(doc)));
    expect(errorsOf(validate)).toEqual([]);
    expect(valid).toBe(true);
    // One image, one OS and every distinct package (one npm `ms` listed twice at the same place would be one).
    expect(doc.packages).toHaveLength(2 + inventory().length);
  });

  it('has unique, well-formed ids and relationships between defined elements only', () => {
    const doc = toSpdx23(input());
    const ids = doc.packages.map((p) => p.SPDXID);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
    const known = new Set([...ids, doc.SPDXID]);
    for (const r of doc.relationships) {
      expect(known.has(r.spdxElementId) && known.has(r.relatedSpdxElement)).toBe(true);
    }
    expect(doc.documentNamespace).toMatch(/^https:\/\/[^#]+$/);
  });

  it('rejects a broken document, so the validation bites', () => {
    const doc = JSON.parse(JSON.stringify(toSpdx23(input()))) as {
      creationInfo: Record<string, unknown>;
      packages: Record<string, unknown>[];
    };
    delete doc.creationInfo.creators;
    doc.packages[1].primaryPackagePurpose = 'OS';
    doc.packages[2].externalRefs = [
      { referenceCategory: 'PACKAGE_MANAGER_X', referenceType: 'purl' },
    ];
    expect(validate(doc)).toBe(false);
    const errors = errorsOf(validate).join('\n');
    expect(errors).toContain("/creationInfo must have required property 'creators'");
    expect(errors).toContain(
      '/packages/1/primaryPackagePurpose must be equal to one of the allowed values',
    );
    expect(errors).toContain(
      "/packages/2/externalRefs/0 must have required property 'referenceLocator'",
    );
    expect(errors).toContain(
      '/packages/2/externalRefs/0/referenceCategory must be equal to one of the allowed values',
    );
  });
});

describe('CycloneDX 1.6 BOMs against the CycloneDX 1.6 JSON schema', () => {
  let validate: ValidateFunction;
  beforeAll(() => {
    validate = cycloneDxValidator();
  });

  it('validates the BOM of a realistic inventory', () => {
    const bom = toCycloneDx16(input());
    const valid = validate(JSON.parse(JSON.stringify(bom)));
    expect(errorsOf(validate)).toEqual([]);
    expect(valid).toBe(true);
    expect(bom.components).toHaveLength(1 + inventory().length);
  });

  it('has unique bom-refs, and dependencies name only components of the BOM', () => {
    const bom = toCycloneDx16(input());
    const refs = [bom.metadata.component, ...bom.components].map((c) => c['bom-ref']);
    expect(new Set(refs).size).toBe(refs.length);
    const known = new Set(refs);
    for (const d of bom.dependencies) {
      expect(known.has(d.ref)).toBe(true);
      for (const on of d.dependsOn ?? []) expect(known.has(on)).toBe(true);
    }
  });

  it('rejects a broken BOM, so the validation bites', () => {
    const bom = JSON.parse(JSON.stringify(toCycloneDx16(input()))) as Record<string, unknown> & {
      components: Record<string, unknown>[];
      metadata: Record<string, unknown>;
    };
    bom.serialNumber = 'not-a-urn';
    bom.components[1].type = 'lib';
    bom.metadata.timestamp = 'yesterday';
    expect(validate(bom)).toBe(false);
    const errors = errorsOf(validate).join('\n');
    expect(errors).toContain('/serialNumber must match pattern');
    expect(errors).toContain('/components/1/type must be equal to one of the allowed values');
    expect(errors).toContain('/metadata/timestamp must match format "date-time"');
  });
});
