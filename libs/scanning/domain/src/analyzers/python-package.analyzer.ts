import type { FileExtractor, LayerFile } from '../layers/file-extractor';
import type { InstalledPackage } from './installed-package';
import { UNKNOWN_VERSION } from './npm-package.analyzer';

/** Largest metadata file read; the headers come first, but long descriptions follow them. */
export const PYTHON_METADATA_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Whether a path holds the core metadata of an installed Python distribution: `METADATA` in a
 * directory whose name ends in `dist-info`, `PKG-INFO` in one ending in `egg-info` (either all
 * lower or all upper case), or a `*.egg-info` file written by distutils. These are the places
 * syft's installed-package cataloger looks; `RECORD`, `top_level.txt` and the like add no version.
 */
export function isPythonMetadataPath(path: string): boolean {
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  if (base.endsWith('.egg-info')) return true;
  if (slash < 0) return false;
  const dir = path.slice(path.lastIndexOf('/', slash - 1) + 1, slash);
  if (base === 'METADATA') return dir.endsWith('dist-info') || dir.endsWith('DIST-INFO');
  if (base === 'PKG-INFO') return dir.endsWith('egg-info') || dir.endsWith('EGG-INFO');
  return false;
}

/**
 * Reads the header fields of a core metadata file (RFC 822 style). Parsing stops at the first
 * blank line once a field was read, where the description body begins. A line starting with a
 * space continues the previous field; dashes are dropped from field names (`Author-email` is
 * `Authoremail`), and a later field of the same name replaces an earlier one.
 */
export function parsePythonMetadataHeaders(text: string, location: string): Map<string, string> {
  const fields = new Map<string, string>();
  let last: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') {
      if (fields.size > 0) break;
      continue;
    }
    if (line.startsWith(' ')) {
      if (last === undefined) {
        throw new Error(`${location}: continuation line before any field: "${line.trim()}"`);
      }
      fields.set(last, `${fields.get(last)}\n ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().replace(/-/g, '');
    fields.set(last, line.slice(colon + 1).trim());
  }
  return fields;
}

/** A header by name: the exact spelling if present, else any spelling that differs only in case. */
function header(fields: Map<string, string>, name: string): string | undefined {
  const exact = fields.get(name);
  if (exact !== undefined) return exact;
  for (const [key, value] of fields) {
    if (key.toLowerCase() === name.toLowerCase()) return value;
  }
  return undefined;
}

/**
 * Reads the distribution an installed Python metadata file describes (`Name`, `Version`).
 * The name is kept as written (PEP 503 normalization belongs to matching); a missing version is
 * reported as {@link UNKNOWN_VERSION}. The `Python` entry that Python 2 installs for itself
 * (`Python-2.7.egg-info`) is the runtime, not a package, and is left out.
 */
export function parsePythonMetadata(text: string, location: string): InstalledPackage[] {
  const fields = parsePythonMetadataHeaders(text, location);
  const name = header(fields, 'Name');
  if (name === undefined || name === '' || name === 'Python') return [];
  const version = header(fields, 'Version');
  return [
    {
      ecosystem: 'PyPI',
      name,
      version: version === undefined || version.trim() === '' ? UNKNOWN_VERSION : version,
      location,
    },
  ];
}

/** Finds installed Python distributions (wheel `.dist-info`, setuptools and distutils `.egg-info`). */
export const pythonExtractor: FileExtractor = {
  name: 'python-package-metadata',
  kind: 'buffer',
  maxBytes: PYTHON_METADATA_MAX_BYTES,
  matches: (file: LayerFile) => isPythonMetadataPath(file.path),
  extract: (content: Buffer, file: LayerFile) => ({
    packages: parsePythonMetadata(content.toString('utf8'), file.path),
  }),
};
