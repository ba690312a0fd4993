import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type LayerCompression,
  type LayerEntry,
  type LayerSpec,
  type OciImageLayout,
  writeOciImage,
  zstdAvailable,
} from './oci-layout';
import { buildZip } from './zip-builder';

// Images whose package databases are this machine's own (dpkg status, Python dist-info, the
// repository's node_modules, pinned Go tools), so inventories are compared on real data. Only
// what the project's scripts build is used: nothing is downloaded.

/** The repository root (this file lives in libs/scanning/domain/src/testing). */
export const WORKSPACE_ROOT = path.resolve(__dirname, '../../../../..');

/** Names of the comparison images. */
export const FIXTURE_IMAGE_NAMES = ['debian', 'alpine', 'node', 'python', 'go', 'java'] as const;
export type FixtureImageName = (typeof FIXTURE_IMAGE_NAMES)[number];

/** A package an image put in a layer and took away in a later one: no inventory may report it. */
export interface RemovedPackage {
  ecosystem: 'npm' | 'Alpine';
  name: string;
  version: string;
}

/** A comparison image written to disk, with what its layers removed. */
export interface FixtureImage {
  name: FixtureImageName;
  layout: OciImageLayout;
  removed: RemovedPackage[];
}

/** zstd where this machine can write it, gzip otherwise. */
export const zstdOrGzip = (): LayerCompression => (zstdAvailable() ? 'zstd' : 'gzip');

// ---------------------------------------------------------------------------------------------
// Debian: dpkg status and os-release of this machine.

/** The machine's os-release as it lies on disk: `/usr/lib/os-release`, `/etc/os-release` (often a link to it). */
export function osReleaseEntries(): LayerEntry[] {
  const entries: LayerEntry[] = [];
  if (fs.existsSync('/usr/lib/os-release'))
    entries.push({
      kind: 'file',
      path: 'usr/lib/os-release',
      body: { fromDisk: fs.realpathSync('/usr/lib/os-release') },
    });
  const etc = fs.lstatSync('/etc/os-release', { throwIfNoEntry: false });
  if (etc?.isSymbolicLink())
    entries.push({
      kind: 'symlink',
      path: 'etc/os-release',
      target: fs.readlinkSync('/etc/os-release'),
    });
  else if (etc?.isFile())
    entries.push({ kind: 'file', path: 'etc/os-release', body: { fromDisk: '/etc/os-release' } });
  return entries;
}

/** This machine's dpkg database (`/var/lib/dpkg/status`) and os-release. */
export function debianEntries(): LayerEntry[] {
  return [
    ...osReleaseEntries(),
    { kind: 'file', path: 'var/lib/dpkg/status', body: { fromDisk: '/var/lib/dpkg/status' } },
  ];
}

// ---------------------------------------------------------------------------------------------
// Alpine 3.20: packages of an `alpine:3.20` image after `apk add libc-utils curl ca-certificates`.

interface ApkRecord {
  name: string;
  version: string;
  origin: string;
  license: string;
  description: string;
  files?: string[];
}

/** Real Alpine v3.20 (main, x86_64) packages: names, versions, origins and licenses as published. */
export const ALPINE_PACKAGES: readonly ApkRecord[] = [
  {
    name: 'alpine-baselayout',
    version: '3.6.5-r0',
    origin: 'alpine-baselayout',
    license: 'GPL-2.0-only',
    description: 'Alpine base dir structure and init scripts',
  },
  {
    name: 'alpine-baselayout-data',
    version: '3.6.5-r0',
    origin: 'alpine-baselayout',
    license: 'GPL-2.0-only',
    description: 'Alpine base dir structure and init scripts',
    files: ['etc/fstab', 'etc/group', 'etc/hostname', 'etc/passwd'],
  },
  {
    name: 'alpine-keys',
    version: '2.4-r1',
    origin: 'alpine-keys',
    license: 'MIT',
    description: 'Public keys for Alpine Linux packages',
  },
  {
    name: 'apk-tools',
    version: '2.14.4-r0',
    origin: 'apk-tools',
    license: 'GPL-2.0-only',
    description: 'Alpine Package Keeper - package manager for alpine',
    files: ['sbin/apk'],
  },
  {
    name: 'busybox',
    version: '1.36.1-r29',
    origin: 'busybox',
    license: 'GPL-2.0-only',
    description: 'Size optimized toolbox of many common UNIX utilities',
    files: ['bin/busybox'],
  },
  {
    name: 'busybox-binsh',
    version: '1.36.1-r29',
    origin: 'busybox',
    license: 'GPL-2.0-only',
    description: 'busybox ash /bin/sh',
  },
  {
    name: 'ca-certificates-bundle',
    version: '20240705-r0',
    origin: 'ca-certificates',
    license: 'MPL-2.0 AND MIT',
    description: 'Pre generated bundle of Mozilla certificates',
  },
  {
    name: 'libcrypto3',
    version: '3.3.2-r1',
    origin: 'openssl',
    license: 'Apache-2.0',
    description: 'Crypto library from openssl',
    files: ['lib/libcrypto.so.3'],
  },
  {
    name: 'libssl3',
    version: '3.3.2-r1',
    origin: 'openssl',
    license: 'Apache-2.0',
    description: 'SSL shared libraries',
    files: ['lib/libssl.so.3'],
  },
  {
    name: 'musl',
    version: '1.2.5-r0',
    origin: 'musl',
    license: 'MIT',
    description: 'the musl c library (libc) implementation',
    files: ['lib/ld-musl-x86_64.so.1', 'lib/libc.musl-x86_64.so.1'],
  },
  {
    name: 'musl-utils',
    version: '1.2.5-r0',
    origin: 'musl',
    license: 'MIT AND BSD-2-Clause AND GPL-2.0-or-later',
    description: 'the musl c library (libc) implementation',
  },
  {
    name: 'scanelf',
    version: '1.3.7-r2',
    origin: 'pax-utils',
    license: 'GPL-2.0-only',
    description: 'Scan ELF binaries for stuff',
  },
  {
    name: 'ssl_client',
    version: '1.36.1-r29',
    origin: 'busybox',
    license: 'GPL-2.0-only',
    description: 'EXternal ssl_client for busybox wget',
  },
  {
    name: 'zlib',
    version: '1.3.1-r1',
    origin: 'zlib',
    license: 'Zlib',
    description: 'A compression/decompression Library',
    files: ['lib/libz.so.1'],
  },
  {
    name: 'libc-utils',
    version: '0.7.2-r5',
    origin: 'libc-dev',
    license: 'BSD-2-Clause AND BSD-3-Clause',
    description: 'Meta package to pull in correct libc',
  },
  {
    name: 'brotli-libs',
    version: '1.1.0-r2',
    origin: 'brotli',
    license: 'MIT',
    description: 'Generic lossless compressor (libraries)',
  },
  {
    name: 'c-ares',
    version: '1.33.1-r0',
    origin: 'c-ares',
    license: 'MIT',
    description: 'Asynchronous DNS/names resolver library',
  },
  {
    name: 'ca-certificates',
    version: '20240705-r0',
    origin: 'ca-certificates',
    license: 'MPL-2.0 AND MIT',
    description: 'Common CA certificates PEM files from Mozilla',
  },
  {
    name: 'curl',
    version: '8.11.0-r2',
    origin: 'curl',
    license: 'curl',
    description: 'URL retrival utility and library',
    files: ['usr/bin/curl'],
  },
  {
    name: 'libcurl',
    version: '8.11.0-r2',
    origin: 'curl',
    license: 'curl',
    description: 'The multiprotocol file transfer library',
  },
  {
    name: 'libidn2',
    version: '2.3.7-r0',
    origin: 'libidn2',
    license: 'GPL-2.0-or-later OR LGPL-3.0-or-later',
    description: 'Encode/Decode library for internationalized domain names',
  },
  {
    name: 'libpsl',
    version: '0.21.5-r1',
    origin: 'libpsl',
    license: 'MIT',
    description: 'C library for the Publix Suffix List',
  },
  {
    name: 'libunistring',
    version: '1.2-r0',
    origin: 'libunistring',
    license: 'GPL-2.0-or-later OR LGPL-3.0-or-later',
    description: 'Library for manipulating Unicode strings and C strings',
  },
  {
    name: 'nghttp2-libs',
    version: '1.62.1-r0',
    origin: 'nghttp2',
    license: 'MIT',
    description: 'Experimental HTTP/2 client, server and proxy (libraries)',
  },
  {
    name: 'zstd-libs',
    version: '1.5.6-r0',
    origin: 'zstd',
    license: 'BSD-3-Clause OR GPL-2.0-or-later',
    description: 'Zstandard - Fast real-time compression algorithm (libraries)',
  },
  {
    name: 'libexpat',
    version: '2.6.4-r0',
    origin: 'expat',
    license: 'MIT',
    description: 'XML Parser library written in C',
  },
];

/** The first 14 records are what `alpine:3.20` ships; the rest come with `apk add`. */
const ALPINE_BASE_COUNT = 14;

/** An Alpine installed database (`lib/apk/db/installed`) holding `records`, with per-file lines. */
export function apkInstalledDatabase(records: readonly ApkRecord[]): string {
  return records
    .map((r, i) => {
      const lines = [
        `C:Q1${Buffer.from(`${r.name}-${r.version}`).toString('base64').slice(0, 27)}=`,
        `P:${r.name}`,
        `V:${r.version}`,
        'A:x86_64',
        `S:${10_000 + i * 977}`,
        `I:${40_960 + i * 4096}`,
        `T:${r.description}`,
        'U:https://alpinelinux.org',
        `L:${r.license}`,
        `o:${r.origin}`,
        'm:Natanael Copa <ncopa@alpinelinux.org>',
        `t:${1_726_000_000 + i}`,
        `c:${(i + 1).toString(16).padStart(40, 'a')}`,
      ];
      // Per-file records repeat letters (R:, a:, Z:) after the package's own fields.
      const byDir = new Map<string, string[]>();
      for (const f of r.files ?? [])
        byDir.set(path.posix.dirname(f), [...(byDir.get(path.posix.dirname(f)) ?? []), f]);
      for (const [dir, files] of byDir) {
        lines.push(`F:${dir}`);
        for (const f of files)
          lines.push(`R:${path.posix.basename(f)}`, 'a:0:0:755', `Z:Q1${'A'.repeat(26)}=`);
      }
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}

/** Alpine 3.20's os-release (it lives in usr/lib; etc/os-release links to it). */
export const ALPINE_OS_RELEASE = [
  'NAME="Alpine Linux"',
  'ID=alpine',
  'VERSION_ID=3.20.3',
  'PRETTY_NAME="Alpine Linux v3.20"',
  'HOME_URL="https://alpinelinux.org/"',
  'BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"',
  '',
].join('\n');

function alpineBaseEntries(records: readonly ApkRecord[]): LayerEntry[] {
  return [
    { kind: 'file', path: 'usr/lib/os-release', body: ALPINE_OS_RELEASE },
    { kind: 'symlink', path: 'etc/os-release', target: '../usr/lib/os-release' },
    { kind: 'file', path: 'etc/alpine-release', body: '3.20.3\n' },
    { kind: 'file', path: 'lib/apk/db/installed', body: apkInstalledDatabase(records) },
  ];
}

// ---------------------------------------------------------------------------------------------
// npm: package.json files of this repository's node_modules.

/** A package root found in a node_modules tree: `node_modules/@s/x`, `node_modules/a/node_modules/b`. */
interface NodePackageRoot {
  /** Relative to the node_modules tree's parent directory. */
  rel: string;
  name: string;
  version: string;
}

function listPackageRoots(base: string, rel: string, out: NodePackageRoot[]): void {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(base, rel)).sort();
  } catch {
    return;
  }
  const visit = (pkgRel: string): void => {
    const dir = path.join(base, pkgRel);
    if (!fs.lstatSync(dir).isDirectory()) return;
    try {
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (typeof json.name === 'string' && typeof json.version === 'string')
        out.push({ rel: pkgRel, name: json.name, version: json.version });
    } catch {
      // Not a package root (no or unreadable package.json).
    }
    listPackageRoots(base, `${pkgRel}/node_modules`, out);
  };
  for (const n of names) {
    if (n.startsWith('.')) continue;
    if (n.startsWith('@')) {
      const scopeDir = path.join(base, rel, n);
      if (!fs.lstatSync(scopeDir).isDirectory()) continue;
      for (const s of fs.readdirSync(scopeDir).sort()) visit(`${rel}/${n}/${s}`);
    } else visit(`${rel}/${n}`);
  }
}

/** Every `package.json` below a package directory, its own nested node_modules excepted. */
function packageJsonFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const d of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory() && d.name !== 'node_modules') out.push(...packageJsonFiles(dir, r));
    else if (d.isFile() && d.name === 'package.json') out.push(r);
  }
  return out.sort();
}

/**
 * A deterministic subset (every second package root, in path order: about 320) of this
 * repository's node_modules, scoped and nested packages included, under `<prefix>/node_modules`;
 * only package.json files (all of a chosen package's, as an installed tree has them) plus a
 * few small other files, and the repository's own package.json as the application's.
 */
export function nodeModulesSubset(prefix = 'usr/src/app'): {
  entries: LayerEntry[];
  packages: NodePackageRoot[];
} {
  const roots: NodePackageRoot[] = [];
  listPackageRoots(WORKSPACE_ROOT, 'node_modules', roots);
  roots.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const chosen = roots.filter((_, i) => i % 2 === 0);
  if (
    !chosen.some((r) => r.name.startsWith('@')) ||
    !chosen.some((r) => /node_modules\/.*node_modules\//.test(r.rel))
  )
    throw new Error(
      'node_modules subset lacks scoped or nested packages: is node_modules installed?',
    );
  const entries: LayerEntry[] = [
    {
      kind: 'file',
      path: `${prefix}/package.json`,
      body: { fromDisk: path.join(WORKSPACE_ROOT, 'package.json') },
    },
  ];
  for (const [i, r] of chosen.entries()) {
    const dir = path.join(WORKSPACE_ROOT, r.rel);
    for (const f of packageJsonFiles(dir))
      entries.push({
        kind: 'file',
        path: `${prefix}/${r.rel}/${f}`,
        body: { fromDisk: path.join(dir, f) },
      });
    if (i % 50 === 0)
      entries.push({
        kind: 'file',
        path: `${prefix}/${r.rel}/index.js`,
        body: `module.exports = require('./lib');\n`,
      });
  }
  return { entries, packages: chosen };
}

// ---------------------------------------------------------------------------------------------
// Python: *.dist-info / *.egg-info of this machine's site directories, at the same paths.

/** Site directories of this machine that hold installed distributions. */
export function pythonSiteDirs(): string[] {
  const candidates = new Set<string>(['/usr/lib/python3/dist-packages']);
  for (const base of ['/usr/lib', '/usr/local/lib']) {
    for (const d of fs.existsSync(base) ? fs.readdirSync(base) : [])
      if (/^python3(\.\d+)?$/.test(d))
        for (const s of ['dist-packages', 'site-packages']) candidates.add(path.join(base, d, s));
  }
  try {
    const out = execFileSync(
      'python3',
      ['-c', 'import site; print("\\n".join(site.getsitepackages()))'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 30_000,
      },
    );
    for (const l of out.split('\n')) if (l.trim()) candidates.add(l.trim());
  } catch {
    // No python3 here: the system site directories are enough.
  }
  const seen = new Set<string>();
  return [...candidates].sort().filter((d) => {
    if (!fs.existsSync(d)) return false;
    const real = fs.realpathSync(d);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

function filesBelow(dir: string): string[] {
  const out: string[] = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) out.push(...filesBelow(p));
    else if (d.isFile()) out.push(p);
  }
  return out.sort();
}

/** Metadata of every installed distribution in the site directories, one entry list per directory. */
export function pythonEntriesBySiteDir(): Array<{ siteDir: string; entries: LayerEntry[] }> {
  return pythonSiteDirs().map((siteDir) => {
    const entries: LayerEntry[] = [];
    for (const d of fs
      .readdirSync(siteDir, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (!/\.(dist|egg)-info$/.test(d.name)) continue;
      const p = path.join(siteDir, d.name);
      const files = d.isDirectory() ? filesBelow(p) : d.isFile() ? [p] : [];
      for (const f of files)
        if (fs.statSync(f).size <= 4 << 20)
          entries.push({ kind: 'file', path: f.slice(1), body: { fromDisk: f } });
    }
    return { siteDir, entries };
  });
}

// ---------------------------------------------------------------------------------------------
// Go: the pinned crane and oras, and a program compiled here.

/** Path of a pinned Go tool, built by the project's script when missing. */
export function goTool(name: string): string {
  return execFileSync('bash', [path.join(WORKSPACE_ROOT, 'tools/deps/go-tool.sh'), name], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 900_000,
  }).trim();
}

/** Compiles a module without dependencies (no downloads) into `workDir/hello`; returns its path. */
export function buildGoProgram(workDir: string): string {
  const src = path.join(workDir, 'hello-src');
  fs.mkdirSync(src, { recursive: true });
  fs.writeFileSync(path.join(src, 'go.mod'), 'module example.com/berth/hello\n\ngo 1.21\n');
  fs.writeFileSync(
    path.join(src, 'main.go'),
    [
      'package main',
      '',
      'import (',
      '\t"crypto/sha256"',
      '\t"fmt"',
      '\t"os"',
      ')',
      '',
      'func main() {',
      '\tfmt.Printf("%x\\n", sha256.Sum256([]byte(os.Args[0])))',
      '}',
      '',
    ].join('\n'),
  );
  const out = path.join(workDir, 'hello');
  // `env` adds to the inherited environment: no module downloads, no toolchain switch.
  const offline = [
    'GOPROXY=off',
    'GOFLAGS=-mod=mod',
    'GOTOOLCHAIN=local',
    'GOWORK=off',
    'CGO_ENABLED=0',
  ];
  execFileSync('env', [...offline, 'go', 'build', '-trimpath', '-buildvcs=false', '-o', out, '.'], {
    cwd: src,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 600_000,
  });
  return out;
}

/** crane, oras and the compiled program at `usr/local/bin/…` (0755), and a non-Go executable. */
export function goBinaryEntries(workDir: string): LayerEntry[][] {
  return [
    [
      {
        kind: 'file',
        path: 'usr/local/bin/crane',
        mode: 0o755,
        body: { fromDisk: goTool('crane') },
      },
    ],
    [{ kind: 'file', path: 'usr/local/bin/oras', mode: 0o755, body: { fromDisk: goTool('oras') } }],
    [
      {
        kind: 'file',
        path: 'usr/local/bin/hello',
        mode: 0o755,
        body: { fromDisk: buildGoProgram(workDir) },
      },
      // An ELF executable that is not Go: it must cost little and yield nothing.
      {
        kind: 'file',
        path: 'usr/bin/true',
        mode: 0o755,
        body: { fromDisk: fs.realpathSync('/bin/true') },
      },
    ],
  ];
}

// ---------------------------------------------------------------------------------------------
// Java: archives written here (zip, deflate).

/** A zip archive of `files` (deflated, CRC-32), as Java tools write jars and wars. */
export function zipArchive(files: Array<{ name: string; data: Buffer | string }>): Buffer {
  return buildZip(files);
}

/** A Maven artifact as its jar describes it. */
export interface MavenArtifact {
  groupId: string;
  artifactId: string;
  version: string;
}

const manifestMf = (title: string, version: string): string =>
  `Manifest-Version: 1.0\r\nCreated-By: Maven JAR Plugin 3.3.0\r\nBuild-Jdk-Spec: 11\r\nImplementation-Title: ${title}\r\nImplementation-Version: ${version}\r\n\r\n`;

/** A jar built by Maven: MANIFEST.MF, `META-INF/maven/<g>/<a>/pom.properties` and a class file. */
export function mavenJar(a: MavenArtifact): Buffer {
  return zipArchive([
    { name: 'META-INF/MANIFEST.MF', data: manifestMf(a.artifactId, a.version) },
    {
      name: `META-INF/maven/${a.groupId}/${a.artifactId}/pom.properties`,
      data: `#Created by Apache Maven 3.8.1\ngroupId=${a.groupId}\nartifactId=${a.artifactId}\nversion=${a.version}\n`,
    },
    {
      name: `${a.groupId.replace(/\./g, '/')}/Marker.class`,
      data: Buffer.from('cafebabe0000003d', 'hex'),
    },
  ]);
}

/** Real artifacts: a plain library jar and a web application nesting Log4j 2.14.1. */
export const JAVA_LIBRARY: MavenArtifact = {
  groupId: 'org.apache.commons',
  artifactId: 'commons-lang3',
  version: '3.12.0',
};
export const JAVA_WAR: MavenArtifact = {
  groupId: 'com.example.shop',
  artifactId: 'shop-web',
  version: '1.4.2',
};
export const JAVA_WAR_LIBS: readonly MavenArtifact[] = [
  { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-core', version: '2.14.1' },
  { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-api', version: '2.14.1' },
];

/** Java archives: a library jar, a war nesting two jars, and a jar with only a MANIFEST. */
export function javaEntries(): LayerEntry[][] {
  const war = zipArchive([
    { name: 'META-INF/MANIFEST.MF', data: manifestMf(JAVA_WAR.artifactId, JAVA_WAR.version) },
    {
      name: `META-INF/maven/${JAVA_WAR.groupId}/${JAVA_WAR.artifactId}/pom.properties`,
      data: `groupId=${JAVA_WAR.groupId}\nartifactId=${JAVA_WAR.artifactId}\nversion=${JAVA_WAR.version}\n`,
    },
    { name: 'WEB-INF/web.xml', data: '<web-app/>\n' },
    ...JAVA_WAR_LIBS.map((a) => ({
      name: `WEB-INF/lib/${a.artifactId}-${a.version}.jar`,
      data: mavenJar(a),
    })),
  ]);
  const manifestOnly = zipArchive([
    { name: 'META-INF/MANIFEST.MF', data: manifestMf('jopt-simple', '5.0.4') },
    { name: 'joptsimple/OptionParser.class', data: Buffer.from('cafebabe00000034', 'hex') },
  ]);
  return [
    [
      {
        kind: 'file',
        path: `opt/app/lib/${JAVA_LIBRARY.artifactId}-${JAVA_LIBRARY.version}.jar`,
        body: mavenJar(JAVA_LIBRARY),
      },
    ],
    [{ kind: 'file', path: `usr/local/tomcat/webapps/${JAVA_WAR.artifactId}.war`, body: war }],
    [{ kind: 'file', path: 'opt/tools/jopt-simple-5.0.4.jar', body: manifestOnly }],
  ];
}

// ---------------------------------------------------------------------------------------------

function npmPackageEntries(dir: string, root: NodePackageRoot): LayerEntry[] {
  return packageJsonFiles(path.join(WORKSPACE_ROOT, root.rel)).map((f) => ({
    kind: 'file',
    path: `${dir}/${root.name}/${f}`,
    body: { fromDisk: path.join(WORKSPACE_ROOT, root.rel, f) },
  }));
}

/** The layers of one comparison image; `workDir` holds build by-products (the Go program). */
export function fixtureLayers(
  name: FixtureImageName,
  workDir: string,
): { layers: LayerSpec[]; removed: RemovedPackage[] } {
  const zstd = zstdOrGzip();
  switch (name) {
    case 'debian': {
      // A global node_modules tree where a later layer deletes one package (`.wh.`) and another
      // layer replaces a whole directory's contents (opaque whiteout).
      const top: NodePackageRoot[] = [];
      listPackageRoots(WORKSPACE_ROOT, 'node_modules', top);
      const plain = top
        .filter((r) => !r.rel.includes('@') && r.rel.split('/').length === 2)
        .slice(0, 6);
      const [kept, deleted, hidden, ...rest] = plain;
      const globalDir = 'usr/lib/node_modules';
      const appDir = 'srv/app/node_modules';
      return {
        layers: [
          {
            compression: 'gzip',
            entries: debianEntries(),
            createdBy: 'debian base: dpkg status, os-release',
          },
          {
            compression: 'none',
            entries: [
              ...npmPackageEntries(globalDir, kept),
              ...npmPackageEntries(globalDir, deleted),
              ...npmPackageEntries(appDir, hidden),
            ],
            createdBy: 'npm install -g',
          },
          {
            compression: zstd,
            entries: [
              { kind: 'whiteout', path: `${globalDir}/${deleted.name}` },
              { kind: 'opaque', path: appDir },
              ...rest.flatMap((r) => npmPackageEntries(appDir, r)),
            ],
            createdBy: 'npm uninstall -g; rm -rf node_modules && npm ci',
          },
        ],
        removed: [deleted, hidden].map((r) => ({
          ecosystem: 'npm',
          name: r.name,
          version: r.version,
        })),
      };
    }
    case 'alpine': {
      const removed = ALPINE_PACKAGES.find((r) => r.name === 'ssl_client')!;
      return {
        layers: [
          {
            compression: 'gzip',
            entries: alpineBaseEntries(ALPINE_PACKAGES.slice(0, ALPINE_BASE_COUNT)),
            createdBy: 'alpine:3.20 base',
          },
          {
            compression: zstd,
            entries: [
              {
                kind: 'file',
                path: 'lib/apk/db/installed',
                body: apkInstalledDatabase(ALPINE_PACKAGES),
              },
            ],
            createdBy: 'apk add libc-utils curl ca-certificates',
          },
          {
            compression: 'none',
            entries: [
              {
                kind: 'file',
                path: 'lib/apk/db/installed',
                body: apkInstalledDatabase(ALPINE_PACKAGES.filter((r) => r !== removed)),
              },
            ],
            createdBy: 'apk del ssl_client',
          },
        ],
        removed: [{ ecosystem: 'Alpine', name: removed.name, version: removed.version }],
      };
    }
    case 'node': {
      const { entries } = nodeModulesSubset();
      const kinds: LayerCompression[] = ['gzip', zstd, 'none'];
      return {
        layers: kinds.map((compression, k) => ({
          compression,
          entries: entries.filter((_, i) => i % 3 === k),
          createdBy: `npm ci (part ${k + 1})`,
        })),
        removed: [],
      };
    }
    case 'python': {
      const kinds: LayerCompression[] = ['gzip', zstd, 'none'];
      return {
        layers: pythonEntriesBySiteDir().map(({ siteDir, entries }, i) => ({
          compression: kinds[i % kinds.length],
          entries,
          createdBy: `pip install (${siteDir})`,
        })),
        removed: [],
      };
    }
    case 'go': {
      const kinds: LayerCompression[] = ['gzip', 'none', zstd];
      return {
        layers: goBinaryEntries(workDir).map((entries, i) => ({
          compression: kinds[i],
          entries,
          createdBy: `COPY ${entries[0].path}`,
        })),
        removed: [],
      };
    }
    case 'java': {
      const kinds: LayerCompression[] = ['gzip', zstd, 'none'];
      return {
        layers: javaEntries().map((entries, i) => ({
          compression: kinds[i],
          entries,
          createdBy: `COPY ${entries[0].path}`,
        })),
        removed: [],
      };
    }
  }
}

/** Writes comparison image `name` as an OCI image layout in `dir` (build by-products in `workDir`). */
export async function writeFixtureImage(
  name: FixtureImageName,
  dir: string,
  workDir: string,
): Promise<FixtureImage> {
  const { layers, removed } = fixtureLayers(name, workDir);
  const layout = await writeOciImage(dir, layers, { refName: name });
  return { name, layout, removed };
}

// ---------------------------------------------------------------------------------------------
// Comparing inventories with syft's.

/** The ecosystems both inventories are compared in, by Berth's ecosystem family name. */
export const COMPARED_ECOSYSTEMS = ['Debian', 'Alpine', 'npm', 'PyPI', 'Go', 'Maven'] as const;
export type ComparedEcosystem = (typeof COMPARED_ECOSYSTEMS)[number];

const SYFT_TYPES: Record<string, ComparedEcosystem> = {
  deb: 'Debian',
  apk: 'Alpine',
  npm: 'npm',
  python: 'PyPI',
  'go-module': 'Go',
  'java-archive': 'Maven',
  'jenkins-plugin': 'Maven',
};

/** `name@version`, names as the ecosystem compares them (PyPI: PEP 503 normalized). */
export function packageKey(ecosystem: ComparedEcosystem, name: string, version: string): string {
  const n = ecosystem === 'PyPI' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name;
  return `${n}@${version}`;
}

/** (name, version) keys per ecosystem. */
export type InventoryKeys = Map<ComparedEcosystem, Set<string>>;

function addKey(keys: InventoryKeys, ecosystem: ComparedEcosystem, key: string): void {
  let set = keys.get(ecosystem);
  if (!set) keys.set(ecosystem, (set = new Set()));
  set.add(key);
}

/**
 * The packages of a `syft -o syft-json` document, keyed like Berth's: Maven packages by
 * `group:artifact` from their purl (syft names them by artifact id alone).
 */
export function syftInventoryKeys(syftJson: string): InventoryKeys {
  const doc = JSON.parse(syftJson) as {
    artifacts?: Array<{ type?: string; name?: string; version?: string; purl?: string }>;
  };
  const keys: InventoryKeys = new Map();
  for (const a of doc.artifacts ?? []) {
    const ecosystem = SYFT_TYPES[a.type ?? ''];
    if (!ecosystem || !a.name || a.version === undefined) continue;
    let name = a.name;
    if (ecosystem === 'Maven') {
      const m = /^pkg:maven\/([^/]+)\/([^@?#]+)/.exec(a.purl ?? '');
      if (m) name = `${decodeURIComponent(m[1])}:${decodeURIComponent(m[2])}`;
    }
    addKey(keys, ecosystem, packageKey(ecosystem, name, a.version));
  }
  return keys;
}

/** The packages of a Berth inventory by ecosystem family (`Debian:12` → `Debian`). */
export function berthInventoryKeys(
  packages: ReadonlyArray<{ ecosystem: string; name: string; version: string }>,
): InventoryKeys {
  const keys: InventoryKeys = new Map();
  for (const p of packages) {
    const family = p.ecosystem.split(':')[0] as ComparedEcosystem;
    if (!COMPARED_ECOSYSTEMS.includes(family)) continue;
    addKey(keys, family, packageKey(family, p.name, p.version));
  }
  return keys;
}

/** How one ecosystem of two inventories compares. */
export interface EcosystemComparison {
  ecosystem: ComparedEcosystem;
  syft: number;
  berth: number;
  /** syft's packages Berth also found, as a fraction of syft's (1 when syft found none). */
  coverage: number;
  missing: string[];
  extra: string[];
}

/** Compares Berth's inventory with syft's, ecosystem by ecosystem. */
export function compareInventories(
  berth: InventoryKeys,
  syft: InventoryKeys,
): EcosystemComparison[] {
  return COMPARED_ECOSYSTEMS.filter((e) => berth.has(e) || syft.has(e)).map((ecosystem) => {
    const b = berth.get(ecosystem) ?? new Set<string>();
    const s = syft.get(ecosystem) ?? new Set<string>();
    const missing = [...s].filter((k) => !b.has(k)).sort();
    const extra = [...b].filter((k) => !s.has(k)).sort();
    return {
      ecosystem,
      syft: s.size,
      berth: b.size,
      coverage: s.size === 0 ? 1 : (s.size - missing.length) / s.size,
      missing,
      extra,
    };
  });
}
