import { describe, expect, it } from 'vitest';
import type { InstalledPackage } from '../analyzers/installed-package';
import { sanitizeSpdxId, toSpdx23, type SbomInput } from './spdx';

const DIGEST = 'sha256:3b5e0fd0c4d6a1e9f1c2b5a07a0b2c9d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b';

const libc: InstalledPackage = {
  ecosystem: 'Debian:12',
  name: 'libc6',
  version: '2.36-9+deb12u7',
  sourceName: 'glibc',
  sourceVersion: '2.36-9+deb12u7',
  arch: 'amd64',
  location: 'var/lib/dpkg/status',
};
const babel: InstalledPackage = {
  ecosystem: 'npm',
  name: '@babel/core',
  version: '7.24.0',
  location: 'app/node_modules/@babel/core/package.json',
};
const unnamedJar: InstalledPackage = {
  ecosystem: 'Maven',
  name: 'Legacy Tool (Ünïcode)',
  version: '1.0',
  location: 'opt/legacy/tool.jar',
};

const input = (over: Partial<SbomInput> = {}): SbomInput => ({
  artifact: {
    repository: 'team-a/web',
    digest: DIGEST,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
  },
  os: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
  packages: [libc, babel, unnamedJar],
  generatedAt: new Date('2026-11-27T18:30:00.456Z'),
  toolVersion: '0.9.0',
  uuid: () => '0f8fad5b-d9cb-469f-a165-70867728950e',
  ...over,
});

describe('toSpdx23', () => {
  it('writes the SPDX 2.3 document header with the tool and organization as creators', () => {
    const doc = toSpdx23(input({ organization: 'ACME Platform Team' }));
    expect(doc).toMatchObject({
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: `team-a/web@${DIGEST}`,
      creationInfo: {
        created: '2026-11-27T18:30:00Z',
        creators: ['Tool: berth-scanner-0.9.0', 'Organization: ACME Platform Team'],
      },
    });
    expect(toSpdx23(input()).creationInfo.creators[1]).toBe('Organization: Berth');
  });

  it('gives every document its own namespace URI built from the digest and a UUID', () => {
    const fixed = toSpdx23(input());
    expect(fixed.documentNamespace).toBe(
      `https://spdx.org/spdxdocs/berth-team-a-web-sha256-${DIGEST.slice(7)}-0f8fad5b-d9cb-469f-a165-70867728950e`,
    );
    const a = toSpdx23(input({ uuid: undefined }));
    const b = toSpdx23(input({ uuid: undefined }));
    expect(a.documentNamespace).not.toBe(b.documentNamespace);
    expect(
      toSpdx23(input({ spdxNamespaceBase: 'https://registry.example.com/sboms' }))
        .documentNamespace,
    ).toMatch(/^https:\/\/registry\.example\.com\/sboms\/berth-team-a-web-sha256-/);
  });

  it('describes the image as a container package holding the OS and each package', () => {
    const doc = toSpdx23(input());
    const [image, os, ...pkgs] = doc.packages;
    expect(image).toMatchObject({
      SPDXID: 'SPDXRef-Image',
      name: 'team-a/web',
      versionInfo: DIGEST,
      primaryPackagePurpose: 'CONTAINER',
      checksums: [{ algorithm: 'SHA256', checksumValue: DIGEST.slice(7) }],
      externalRefs: [
        {
          referenceCategory: 'PACKAGE-MANAGER',
          referenceType: 'purl',
          referenceLocator: `pkg:oci/web@${DIGEST}`,
        },
      ],
    });
    expect(os).toMatchObject({
      name: 'debian',
      versionInfo: '12',
      primaryPackagePurpose: 'OPERATING_SYSTEM',
    });
    expect(doc.relationships).toEqual([
      {
        spdxElementId: 'SPDXRef-DOCUMENT',
        relationshipType: 'DESCRIBES',
        relatedSpdxElement: 'SPDXRef-Image',
      },
      {
        spdxElementId: 'SPDXRef-Image',
        relationshipType: 'CONTAINS',
        relatedSpdxElement: 'SPDXRef-OperatingSystem',
      },
      ...pkgs.map((p) => ({
        spdxElementId: 'SPDXRef-Image',
        relationshipType: 'CONTAINS',
        relatedSpdxElement: p.SPDXID,
      })),
    ]);
  });

  it('lists each package with its version, purl and where it was found, licences unasserted', () => {
    const [, , dpkg, npm, jar] = toSpdx23(input()).packages;
    expect(dpkg).toEqual({
      SPDXID: expect.stringMatching(/^SPDXRef-Package-Debian-libc6-[0-9a-f]{16}$/),
      name: 'libc6',
      versionInfo: '2.36-9+deb12u7',
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      sourceInfo: 'found in /var/lib/dpkg/status; built from source package glibc 2.36-9+deb12u7',
      externalRefs: [
        {
          referenceCategory: 'PACKAGE-MANAGER',
          referenceType: 'purl',
          referenceLocator: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12',
        },
      ],
      primaryPackagePurpose: 'LIBRARY',
    });
    expect(npm.SPDXID).toMatch(/^SPDXRef-Package-npm-babel-core-[0-9a-f]{16}$/);
    expect(npm.sourceInfo).toBe('found in /app/node_modules/@babel/core/package.json');
    expect(npm.externalRefs?.[0].referenceLocator).toBe('pkg:npm/%40babel/core@7.24.0');
    // A Maven name without a group has no purl; the package is still listed.
    expect(jar.SPDXID).toMatch(/^SPDXRef-Package-Maven-Legacy-Tool-n-code-[0-9a-f]{16}$/);
    expect(jar.externalRefs).toBeUndefined();
  });

  it('keeps package ids stable for the same inventory and unique for the same package at two places', () => {
    const moved = { ...babel, location: 'other/node_modules/@babel/core/package.json' };
    const first = toSpdx23(input({ packages: [libc, babel, moved, { ...babel }] }));
    const again = toSpdx23(input({ packages: [libc, babel, moved] }));
    const ids = first.packages.map((p) => p.SPDXID);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
    expect(again.packages.map((p) => p.SPDXID)).toEqual(ids);
  });

  it('leaves the OS out when it is unknown', () => {
    const doc = toSpdx23(input({ os: undefined, packages: [] }));
    expect(doc.packages.map((p) => p.SPDXID)).toEqual(['SPDXRef-Image']);
    expect(doc.relationships).toHaveLength(1);
  });

  it('refuses input that names no artifact properly', () => {
    const artifact = input().artifact;
    expect(() => toSpdx23(input({ artifact: { ...artifact, digest: 'latest' } }))).toThrow(
      /digest "latest"/,
    );
    expect(() => toSpdx23(input({ artifact: { ...artifact, repository: ' ' } }))).toThrow(
      /no repository/,
    );
    expect(() => toSpdx23(input({ generatedAt: new Date('nope') }))).toThrow(/not a valid date/);
    expect(() => toSpdx23(input({ spdxNamespaceBase: 'https://x.example/#frag' }))).toThrow(
      /without a fragment/,
    );
  });
});

describe('sanitizeSpdxId', () => {
  it('keeps letters, digits, dots and dashes only', () => {
    expect(sanitizeSpdxId('@types/node')).toBe('types-node');
    expect(sanitizeSpdxId('libstdc++6')).toBe('libstdc-6');
    expect(sanitizeSpdxId('zope.interface')).toBe('zope.interface');
  });
});
