import { describe, expect, it } from 'vitest';
import type { InstalledPackage } from '../analyzers/installed-package';
import { toCycloneDx16 } from './cyclonedx';
import type { SbomInput } from './spdx';

const DIGEST = 'sha256:3b5e0fd0c4d6a1e9f1c2b5a07a0b2c9d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b';

const musl: InstalledPackage = {
  ecosystem: 'Alpine:v3.20',
  name: 'musl',
  version: '1.2.5-r0',
  sourceName: 'musl',
  sourceVersion: '1.2.5-r0',
  arch: 'x86_64',
  location: 'lib/apk/db/installed',
};
const ms = (location: string): InstalledPackage => ({
  ecosystem: 'npm',
  name: 'ms',
  version: '2.1.3',
  location,
});
const log4j: InstalledPackage = {
  ecosystem: 'Maven',
  name: 'org.apache.logging.log4j:log4j-core',
  version: '2.17.1',
  location: 'opt/app.war:WEB-INF/lib/log4j-core-2.17.1.jar',
};
const babel: InstalledPackage = {
  ecosystem: 'npm',
  name: '@babel/core',
  version: '7.24.0',
  location: 'app/node_modules/@babel/core/package.json',
};

const input = (over: Partial<SbomInput> = {}): SbomInput => ({
  artifact: {
    repository: 'team-a/web',
    digest: DIGEST,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    tags: ['1.4.2', 'latest'],
  },
  os: { id: 'alpine', versionId: '3.20.1', prettyName: 'Alpine Linux v3.20' },
  packages: [musl, ms('app/node_modules/ms/package.json'), log4j, babel],
  generatedAt: new Date('2026-11-27T18:30:00.456Z'),
  toolVersion: '0.9.0',
  uuid: () => '0f8fad5b-d9cb-469f-a165-70867728950e',
  ...over,
});

describe('toCycloneDx16', () => {
  it('writes the BOM header with Berth as the tool and the image as the described container', () => {
    const bom = toCycloneDx16(input());
    expect(bom).toMatchObject({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: 'urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e',
      version: 1,
      metadata: {
        timestamp: '2026-11-27T18:30:00Z',
        tools: { components: [{ type: 'application', name: 'berth-scanner', version: '0.9.0' }] },
        component: {
          type: 'container',
          'bom-ref': `pkg:oci/web@${DIGEST}`,
          name: 'team-a/web',
          version: DIGEST,
          purl: `pkg:oci/web@${DIGEST}`,
          hashes: [{ alg: 'SHA-256', content: DIGEST.slice(7) }],
          properties: [
            { name: 'berth:image:media-type', value: 'application/vnd.oci.image.manifest.v1+json' },
            { name: 'berth:image:tag', value: '1.4.2' },
            { name: 'berth:image:tag', value: 'latest' },
          ],
        },
      },
    });
    expect(toCycloneDx16(input({ uuid: undefined })).serialNumber).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('lists the OS as an operating-system component and packages as libraries with purl and location', () => {
    const [os, apk, npm, maven, scoped] = toCycloneDx16(input()).components;
    expect(os).toEqual({
      type: 'operating-system',
      'bom-ref': 'os:alpine@3.20.1',
      name: 'alpine',
      version: '3.20.1',
      description: 'Alpine Linux v3.20',
    });
    expect(apk).toEqual({
      type: 'library',
      'bom-ref': 'pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=3.20.1',
      name: 'musl',
      version: '1.2.5-r0',
      purl: 'pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=3.20.1',
      properties: [
        { name: 'berth:package:ecosystem', value: 'Alpine:v3.20' },
        { name: 'berth:package:location', value: '/lib/apk/db/installed' },
        { name: 'berth:package:arch', value: 'x86_64' },
        { name: 'berth:package:source-name', value: 'musl' },
        { name: 'berth:package:source-version', value: '1.2.5-r0' },
      ],
    });
    expect(npm).toMatchObject({ name: 'ms', version: '2.1.3', purl: 'pkg:npm/ms@2.1.3' });
    expect(maven).toMatchObject({
      group: 'org.apache.logging.log4j',
      name: 'log4j-core',
      purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1',
    });
    expect(scoped).toMatchObject({
      group: '@babel',
      name: 'core',
      purl: 'pkg:npm/%40babel/core@7.24.0',
    });
  });

  it('keeps bom-refs unique when one package is found at two places', () => {
    const bom = toCycloneDx16(
      input({
        packages: [
          ms('a/node_modules/ms/package.json'),
          ms('b/node_modules/ms/package.json'),
          log4j,
        ],
      }),
    );
    const refs = bom.components.map((c) => c['bom-ref']);
    expect(new Set(refs).size).toBe(refs.length);
    expect(refs.filter((r) => r?.startsWith('pkg:npm/ms@2.1.3#'))).toHaveLength(2);
    // A purl that only one package has is its bom-ref as is.
    expect(refs).toContain('pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1');
  });

  it('records that the image holds the OS and language packages, and the OS its own packages', () => {
    const bom = toCycloneDx16(input());
    const image = `pkg:oci/web@${DIGEST}`;
    const apkRef = 'pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=3.20.1';
    expect(bom.dependencies[0]).toEqual({
      ref: image,
      dependsOn: [
        'os:alpine@3.20.1',
        'pkg:npm/ms@2.1.3',
        'pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1',
        'pkg:npm/%40babel/core@7.24.0',
      ],
    });
    expect(bom.dependencies[1]).toEqual({ ref: 'os:alpine@3.20.1', dependsOn: [apkRef] });
    expect(bom.dependencies.slice(2).map((d) => d.ref)).toHaveLength(4);
  });

  it('without a known OS, the image holds every package directly', () => {
    const bom = toCycloneDx16(input({ os: undefined }));
    expect(bom.components.every((c) => c.type === 'library')).toBe(true);
    expect(bom.dependencies[0].dependsOn).toHaveLength(4);
  });

  it('refuses an artifact digest that is not a digest', () => {
    expect(() =>
      toCycloneDx16(input({ artifact: { ...input().artifact, digest: 'sha256' } })),
    ).toThrow(/not a digest/);
  });
});
