import { describe, expect, it } from 'vitest';
import type { InstalledPackage } from '../analyzers/installed-package';
import {
  distinctPackages,
  encodePurlComponent,
  formatPackageUrl,
  imagePackageUrl,
  packageUrlOf,
} from './package-url';

const pkg = (
  p: Partial<InstalledPackage> & Pick<InstalledPackage, 'ecosystem' | 'name' | 'version'>,
) => ({ location: 'somewhere', ...p }) as InstalledPackage;

describe('formatPackageUrl', () => {
  // Build cases from the purl specification's test suite.
  it.each([
    [
      {
        type: 'deb',
        namespace: 'debian',
        name: 'attr',
        version: '1:2.4.47-2+b1',
        qualifiers: { arch: 'amd64' },
      },
      'pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64',
    ],
    [
      { type: 'npm', namespace: '@angular', name: 'animation', version: '12.3.1' },
      'pkg:npm/%40angular/animation@12.3.1',
    ],
    [
      {
        type: 'npm',
        name: 'mypackage',
        version: '12.4.5',
        qualifiers: { vcs_url: 'git://host.com/path/to/repo.git@4345abcd34343' },
      },
      'pkg:npm/mypackage@12.4.5?vcs_url=git:%2F%2Fhost.com%2Fpath%2Fto%2Frepo.git%404345abcd34343',
    ],
    [
      {
        type: 'maven',
        namespace: 'mygroup',
        name: 'myartifact',
        version: '1.0.0 Final',
        qualifiers: { mykey: 'my value' },
      },
      'pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value',
    ],
    [
      {
        type: 'rpm',
        namespace: 'fedora',
        name: 'centerim',
        version: '4.22.10-1.el6',
        qualifiers: { epoch: '1', distro: 'fedora-25', arch: 'i686' },
      },
      'pkg:rpm/fedora/centerim@4.22.10-1.el6?arch=i686&distro=fedora-25&epoch=1',
    ],
    [
      {
        type: 'generic',
        name: 'openssl',
        version: '1.1.10g',
        qualifiers: { checksum: 'sha1:ad9503c3e994a4f,sha256:41bf9088b3a1e6c1ef1d' },
      },
      'pkg:generic/openssl@1.1.10g?checksum=sha1:ad9503c3e994a4f%2Csha256:41bf9088b3a1e6c1ef1d',
    ],
    [
      {
        type: 'GOLANG',
        namespace: 'github.com/gorilla',
        name: 'context',
        version: '234fd47e07d1004f0aed9c',
        subpath: '/api/',
      },
      'pkg:golang/github.com/gorilla/context@234fd47e07d1004f0aed9c#api',
    ],
  ])('builds %j as %s', (parts, expected) => {
    expect(formatPackageUrl(parts)).toBe(expected);
  });

  it('leaves out qualifiers without a value and sorts the rest by key', () => {
    expect(
      formatPackageUrl({
        type: 'deb',
        namespace: 'debian',
        name: 'x',
        qualifiers: { distro: 'debian-12', arch: '', Z: undefined },
      }),
    ).toBe('pkg:deb/debian/x?distro=debian-12');
  });

  it('refuses a purl without a name or with an invalid type', () => {
    expect(() => formatPackageUrl({ type: 'npm', name: '/' })).toThrow(/needs a name/);
    expect(() => formatPackageUrl({ type: '1npm', name: 'x' })).toThrow(/type "1npm"/);
  });
});

describe('encodePurlComponent', () => {
  it('keeps only letters, digits, .-_~ and the colon, and encodes UTF-8 octets', () => {
    expect(encodePurlComponent("a.b-c_d~e:f+g@h/i j!k'l(m)n*o%p#q?r&s=t")).toBe(
      'a.b-c_d~e:f%2Bg%40h%2Fi%20j%21k%27l%28m%29n%2Ao%25p%23q%3Fr%26s%3Dt',
    );
    expect(encodePurlComponent('naïve')).toBe('na%C3%AFve');
  });
});

describe('packageUrlOf', () => {
  const debian = { id: 'debian', versionId: '12', versionCodename: 'bookworm' };

  it('names a dpkg package under the vendor with arch and distro, the epoch colon unencoded', () => {
    expect(
      packageUrlOf(
        pkg({
          ecosystem: 'Debian:12',
          name: 'bsdutils',
          version: '1:2.38.1-5+deb12u1',
          arch: 'amd64',
        }),
        debian,
      ),
    ).toBe('pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u1?arch=amd64&distro=debian-12');
    expect(
      packageUrlOf(pkg({ ecosystem: 'Ubuntu:22.04', name: 'libc6', version: '2.35-0ubuntu3.8' })),
    ).toBe('pkg:deb/ubuntu/libc6@2.35-0ubuntu3.8?distro=ubuntu-22.04');
  });

  it('names an Alpine package with the full Alpine version as distro', () => {
    const alpine = { id: 'alpine', versionId: '3.20.1' };
    expect(
      packageUrlOf(
        pkg({ ecosystem: 'Alpine:v3.20', name: 'musl', version: '1.2.5-r0', arch: 'x86_64' }),
        alpine,
      ),
    ).toBe('pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=3.20.1');
    expect(
      packageUrlOf(pkg({ ecosystem: 'Alpine:v3.20', name: 'musl', version: '1.2.5-r0' })),
    ).toBe('pkg:apk/alpine/musl@1.2.5-r0?distro=3.20');
    expect(
      packageUrlOf(pkg({ ecosystem: 'Alpine', name: 'glibc', version: '2.40-r3' }), {
        id: 'wolfi',
        versionId: '20230201',
      }),
    ).toBe('pkg:apk/wolfi/glibc@2.40-r3?distro=20230201');
  });

  it('puts an npm scope in the namespace with its @ encoded', () => {
    expect(packageUrlOf(pkg({ ecosystem: 'npm', name: '@babel/core', version: '7.24.0' }))).toBe(
      'pkg:npm/%40babel/core@7.24.0',
    );
    expect(packageUrlOf(pkg({ ecosystem: 'npm', name: 'lodash', version: '4.17.21' }))).toBe(
      'pkg:npm/lodash@4.17.21',
    );
  });

  it('normalizes PyPI names: lowercase, underscores to dashes', () => {
    expect(
      packageUrlOf(pkg({ ecosystem: 'PyPI', name: 'Typing_Extensions', version: '4.12.2' })),
    ).toBe('pkg:pypi/typing-extensions@4.12.2');
  });

  it('names Go modules by path, stdlib by Go version, and a (devel) main module without version', () => {
    expect(
      packageUrlOf(pkg({ ecosystem: 'Go', name: 'github.com/BurntSushi/toml', version: 'v1.4.0' })),
    ).toBe('pkg:golang/github.com/BurntSushi/toml@v1.4.0');
    expect(packageUrlOf(pkg({ ecosystem: 'Go', name: 'stdlib', version: 'go1.22.1' }))).toBe(
      'pkg:golang/stdlib@1.22.1',
    );
    expect(
      packageUrlOf(pkg({ ecosystem: 'Go', name: 'example.com/app', version: '(devel)' })),
    ).toBe('pkg:golang/example.com/app');
  });

  it('splits Maven group and artifact, and gives no purl without a group', () => {
    expect(
      packageUrlOf(
        pkg({ ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core', version: '2.17.1' }),
      ),
    ).toBe('pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1');
    expect(
      packageUrlOf(pkg({ ecosystem: 'Maven', name: 'log4j-core', version: '2.17.1' })),
    ).toBeUndefined();
  });

  it('names an RPM package under the distribution id, the epoch as a qualifier', () => {
    const rocky = { id: 'rocky', versionId: '9.3' };
    expect(
      packageUrlOf(
        pkg({
          ecosystem: 'rpm',
          name: 'openssl-libs',
          version: '1:3.0.7-25.el9_3',
          arch: 'x86_64',
        }),
        rocky,
      ),
    ).toBe('pkg:rpm/rocky/openssl-libs@3.0.7-25.el9_3?arch=x86_64&distro=rocky-9.3&epoch=1');
    expect(
      packageUrlOf(pkg({ ecosystem: 'rpm', name: 'bash', version: '5.1.8-6.el9' }), {
        id: 'rhel',
        versionId: '9.3',
      }),
    ).toBe('pkg:rpm/redhat/bash@5.1.8-6.el9?distro=rhel-9.3');
    expect(
      packageUrlOf(pkg({ ecosystem: 'rpm', name: 'bash', version: '5.1.8-6.el9' })),
    ).toBeUndefined();
  });

  it('has no purl for an ecosystem it does not know', () => {
    expect(
      packageUrlOf(pkg({ ecosystem: 'Hackage', name: 'text', version: '2.0' })),
    ).toBeUndefined();
  });
});

describe('imagePackageUrl', () => {
  it('names the image by its last repository segment, version the digest', () => {
    const digest = 'sha256:244fd47e07d1004f0aed9c244fd47e07d1004f0aed9c244fd47e07d1004f0a';
    expect(imagePackageUrl({ repository: 'library/Debian', digest })).toBe(
      `pkg:oci/debian@${digest}`,
    );
    expect(
      imagePackageUrl({
        repository: 'team/app',
        digest,
        registry: 'registry.example.com:5000',
        tag: 'v1',
      }),
    ).toBe(`pkg:oci/app@${digest}?repository_url=registry.example.com:5000%2Fteam%2Fapp&tag=v1`);
  });
});

describe('distinctPackages', () => {
  it('drops exact repeats but keeps the same package found at two places', () => {
    const a = pkg({
      ecosystem: 'npm',
      name: 'ms',
      version: '2.1.3',
      location: 'app/node_modules/ms/package.json',
    });
    const b = { ...a, location: 'app/node_modules/debug/node_modules/ms/package.json' };
    expect(distinctPackages([a, { ...a }, b])).toEqual([a, b]);
  });
});
