import { describe, expect, it } from 'vitest';
import { parseApkInstalled } from './apk-installed.analyzer';
import { parseDpkgStatus } from './dpkg-status.analyzer';
import { parseOsRelease } from './os-release.analyzer';

const DPKG_STATUS = `Package: libc6
Status: install ok installed
Priority: optional
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u7
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.

Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl (3.0.15-1~deb12u1)
Version: 3.0.15-1~deb12u1

Package: old-tool
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1

Package: bsdutils
Status: install ok installed
Architecture: amd64
Source: util-linux (2.38.1-5)
Version: 1:2.38.1-5+deb12u1
`;

describe('analyzers', () => {
  it('reads installed dpkg packages with their source package, skipping removed ones', () => {
    const found = parseDpkgStatus(DPKG_STATUS, 'var/lib/dpkg/status');
    expect(found.map((p) => [p.name, p.version, p.sourceName, p.sourceVersion])).toEqual([
      ['libc6', '2.36-9+deb12u7', 'glibc', '2.36-9+deb12u7'],
      ['libssl3', '3.0.15-1~deb12u1', 'openssl', '3.0.15-1~deb12u1'],
      ['bsdutils', '1:2.38.1-5+deb12u1', 'util-linux', '2.38.1-5'],
    ]);
    expect(found[0]).toMatchObject({
      ecosystem: 'Debian',
      arch: 'amd64',
      location: 'var/lib/dpkg/status',
    });
  });

  it('reads a distroless status.d entry, which has no Status field', () => {
    const found = parseDpkgStatus(
      'Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n',
      'var/lib/dpkg/status.d/tzdata',
    );
    expect(found).toMatchObject([
      { name: 'tzdata', version: '2024a-0+deb12u1', sourceName: 'tzdata' },
    ]);
  });

  it('reads the Alpine installed database, origin as the source package', () => {
    const text = [
      'C:Q1abc=',
      'P:libcrypto3',
      'V:3.1.4-r5',
      'A:x86_64',
      'o:openssl',
      'F:usr/lib',
      'R:libcrypto.so.3',
      '',
      'P:musl',
      'V:1.2.4-r2',
      'A:x86_64',
      'o:musl',
      '',
    ].join('\n');
    expect(parseApkInstalled(text, 'lib/apk/db/installed')).toEqual([
      {
        ecosystem: 'Alpine',
        name: 'libcrypto3',
        version: '3.1.4-r5',
        sourceName: 'openssl',
        sourceVersion: '3.1.4-r5',
        arch: 'x86_64',
        location: 'lib/apk/db/installed',
      },
      {
        ecosystem: 'Alpine',
        name: 'musl',
        version: '1.2.4-r2',
        sourceName: 'musl',
        sourceVersion: '1.2.4-r2',
        arch: 'x86_64',
        location: 'lib/apk/db/installed',
      },
    ]);
  });

  it('reads os-release, quoted or not', () => {
    const text =
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n# a comment\n';
    expect(parseOsRelease(text)).toEqual({
      id: 'debian',
      versionId: '12',
      versionCodename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
    });
    expect(parseOsRelease("ID='alpine'\nVERSION_ID=3.19.1\n")).toEqual({
      id: 'alpine',
      versionId: '3.19.1',
    });
    expect(parseOsRelease('NAME=nothing\n')).toBeUndefined();
  });
});
