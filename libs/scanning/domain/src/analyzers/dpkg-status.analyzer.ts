import type { InstalledPackage } from './installed-package';

/** The files dpkg records installed packages in (`status.d/*` in distroless images). */
export const DPKG_STATUS_PATHS = ['var/lib/dpkg/status'];
export const DPKG_STATUS_DIR = 'var/lib/dpkg/status.d/';

/**
 * Reads a dpkg status file (deb822 paragraphs; continuation lines begin with a space) and
 * returns the packages whose `Status` says they are installed. `Source: name (version)` gives
 * the source package and, when it differs, its version; absent, the binary's own.
 */
export function parseDpkgStatus(text: string, location: string): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  for (const paragraph of text.split(/\r?\n[ \t]*\r?\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of paragraph.split(/\r?\n/)) {
      if (line === '') continue;
      if (/^[ \t]/.test(line)) {
        if (last) fields.set(last, `${fields.get(last)}\n${line.trim()}`);
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      last = line.slice(0, colon).trim().toLowerCase();
      fields.set(last, line.slice(colon + 1).trim());
    }
    const name = fields.get('package');
    const version = fields.get('version');
    if (!name || !version) continue;
    // status.d entries of distroless images carry no Status field: they are installed.
    const status = fields.get('status');
    // `want flag status`, e.g. `install ok installed`; `deinstall ok config-files` is not.
    if (status !== undefined && status.split(/\s+/)[2] !== 'installed') continue;
    const source = /^(\S+)(?:\s+\(([^)]+)\))?/.exec(fields.get('source') ?? '');
    packages.push({
      ecosystem: 'Debian',
      name,
      version,
      sourceName: source?.[1] ?? name,
      sourceVersion: source?.[2] ?? version,
      ...(fields.get('architecture') ? { arch: fields.get('architecture') } : {}),
      location,
    });
  }
  return packages;
}
