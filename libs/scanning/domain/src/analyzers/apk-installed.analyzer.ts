import type { InstalledPackage } from './installed-package';

export const APK_INSTALLED_PATH = 'lib/apk/db/installed';

/** Reads Alpine's installed database: `X:value` lines, one blank line between packages. */
export function parseApkInstalled(text: string, location: string): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const fields = new Map<string, string>();
    for (const line of block.split(/\r?\n/)) {
      const m = /^([A-Za-z]):(.*)$/.exec(line);
      // The first P:/V:/o: of a block is the package's; later letters repeat per file.
      if (m && !fields.has(m[1])) fields.set(m[1], m[2].trim());
    }
    const name = fields.get('P');
    const version = fields.get('V');
    if (!name || !version) continue;
    packages.push({
      ecosystem: 'Alpine',
      name,
      version,
      sourceName: fields.get('o') || name,
      sourceVersion: version,
      ...(fields.get('A') ? { arch: fields.get('A') } : {}),
      location,
    });
  }
  return packages;
}
