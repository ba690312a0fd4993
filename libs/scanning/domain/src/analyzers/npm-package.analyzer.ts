import type { FileExtractor, LayerFile } from '../layers/file-extractor';
import type { InstalledPackage } from './installed-package';

/**
 * The version reported for a package whose metadata names it but gives no version. It is the
 * value syft stubs in, so inventories compare one to one.
 */
export const UNKNOWN_VERSION = 'UNKNOWN';

/** Largest `package.json` read; bigger ones are skipped with a note by the layer walker. */
export const NPM_PACKAGE_JSON_MAX_BYTES = 1024 * 1024;

/**
 * Whether a path is a `package.json`. Every one counts, not only those under `node_modules`:
 * an application's own manifest and distribution-installed modules (`usr/share/nodejs/*`) are
 * installed packages too, and syft's image cataloger reads them all.
 */
export function isPackageJsonPath(path: string): boolean {
  return path === 'package.json' || path.endsWith('/package.json');
}

/**
 * The value of a manifest field. Keys match case-insensitively and the last one wins, as Go's
 * JSON decoding does it, so `"Name"` names a package just as `"name"` does. Non-strings count
 * as absent.
 */
function stringField(manifest: Record<string, unknown>, field: string): string | undefined {
  let value: unknown;
  for (const [key, v] of Object.entries(manifest)) {
    if (key.toLowerCase() === field) value = v;
  }
  return typeof value === 'string' ? value : undefined;
}

/**
 * Reads an installed `package.json` into the package it describes. A manifest without a name
 * (the `{"type":"module"}` files inside packages, most test fixtures) describes no package;
 * one with a name but no version is reported with {@link UNKNOWN_VERSION}, as syft does for
 * sub-path manifests such as `rxjs/ajax`. Name and version are kept as written.
 * Throws on text that is not JSON.
 */
export function parsePackageJson(text: string, location: string): InstalledPackage[] {
  const json = text.replace(/^\uFEFF/, '');
  if (json.trim() === '') return [];
  let manifest: unknown;
  try {
    manifest = JSON.parse(json);
  } catch (error) {
    throw new Error(`${location} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) return [];
  const fields = manifest as Record<string, unknown>;
  const name = stringField(fields, 'name');
  if (name === undefined || name.trim() === '') return [];
  const version = stringField(fields, 'version');
  return [
    {
      ecosystem: 'npm',
      name,
      version: version === undefined || version.trim() === '' ? UNKNOWN_VERSION : version,
      location,
    },
  ];
}

/** Finds npm packages in the `package.json` files of an image. */
export const npmExtractor: FileExtractor = {
  name: 'npm-package-json',
  kind: 'buffer',
  maxBytes: NPM_PACKAGE_JSON_MAX_BYTES,
  matches: (file: LayerFile) => isPackageJsonPath(file.path),
  extract: (content: Buffer, file: LayerFile) => ({
    packages: parsePackageJson(content.toString('utf8'), file.path),
  }),
};
