import { APK_INSTALLED_PATH, parseApkInstalled } from '../analyzers/apk-installed.analyzer';
import {
  DPKG_STATUS_DIR,
  DPKG_STATUS_PATHS,
  parseDpkgStatus,
} from '../analyzers/dpkg-status.analyzer';
import { OS_RELEASE_PATHS, parseOsRelease } from '../analyzers/os-release.analyzer';
import type { FileExtractor } from './file-extractor';

/** Package databases of big images reach tens of MiB; anything past this is not one. */
const PACKAGE_DB_MAX_BYTES = 256 * 1024 * 1024;
const OS_RELEASE_MAX_BYTES = 64 * 1024;

/** dpkg's status file, and the one-file-per-package `status.d/` of distroless images. */
export const dpkgStatusExtractor: FileExtractor = {
  name: 'dpkg-status',
  kind: 'buffer',
  maxBytes: PACKAGE_DB_MAX_BYTES,
  matches: ({ path }) =>
    DPKG_STATUS_PATHS.includes(path) ||
    (path.startsWith(DPKG_STATUS_DIR) &&
      path.indexOf('/', DPKG_STATUS_DIR.length) < 0 &&
      // Newer distroless images keep each package's file checksums beside it.
      !path.endsWith('.md5sums')),
  extract: (content, file) => ({ packages: parseDpkgStatus(content.toString('utf8'), file.path) }),
};

/** Alpine's installed-packages database. */
export const apkInstalledExtractor: FileExtractor = {
  name: 'apk-installed',
  kind: 'buffer',
  maxBytes: PACKAGE_DB_MAX_BYTES,
  matches: ({ path }) => path === APK_INSTALLED_PATH,
  extract: (content, file) => ({
    packages: parseApkInstalled(content.toString('utf8'), file.path),
  }),
};

/** os-release, which names the distribution whose advisories apply to the OS packages. */
export const osReleaseExtractor: FileExtractor = {
  name: 'os-release',
  kind: 'buffer',
  maxBytes: OS_RELEASE_MAX_BYTES,
  matches: ({ path }) => OS_RELEASE_PATHS.includes(path),
  extract: (content) => {
    const osRelease = parseOsRelease(content.toString('utf8'));
    return osRelease ? { osRelease } : {};
  },
};

/** The extractors for the OS package databases and os-release. */
export const BUILTIN_EXTRACTORS: readonly FileExtractor[] = [
  dpkgStatusExtractor,
  apkInstalledExtractor,
  osReleaseExtractor,
];
