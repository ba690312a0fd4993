import * as yauzl from 'yauzl';
import type { FileExtractor, LayerFile } from '../layers/file-extractor';
import type { InstalledPackage } from './installed-package';

/**
 * File name endings of the Java archives read, all zip files: libraries, web and enterprise
 * applications, Jenkins plugins (Maven packages too).
 */
export const JAVA_ARCHIVE_EXTENSIONS = ['.jar', '.war', '.ear', '.jpi', '.hpi'];

/** How far one top-level archive may make the analyzer go, so a zip bomb costs little. */
export interface JavaArchiveLimits {
  /** Archives nested deeper than this (the top-level archive is depth 0) are skipped. */
  maxDepth: number;
  /** Bytes inflated over the archive and every nested one: nested archives, metadata files. */
  maxInflatedBytes: number;
  /** Zip entries in all, over the archive and every nested one. */
  maxEntries: number;
  /** Bytes of one metadata file (`MANIFEST.MF`, `pom.properties`). */
  maxMetadataBytes: number;
}

export const DEFAULT_JAVA_ARCHIVE_LIMITS: JavaArchiveLimits = {
  maxDepth: 4,
  maxInflatedBytes: 512 * 1024 * 1024,
  maxEntries: 500_000,
  maxMetadataBytes: 1024 * 1024,
};

/** What a Java archive yielded: its packages, and a note per part skipped or unreadable. */
export interface JavaArchiveReport {
  packages: InstalledPackage[];
  notes: string[];
}

/** A JAR manifest: the main section's attributes, then each named section's (keys lower case). */
export interface JavaManifest {
  main: Map<string, string>;
  sections: Map<string, string>[];
}

const MANIFEST_PATH = 'meta-inf/manifest.mf';
const POM_PROPERTIES = /^META-INF\/maven\/([^/]+)\/([^/]+)\/pom\.properties$/;

/**
 * Reads a JAR manifest: `Name: value` lines, a line starting with one space continues the one
 * before, blank lines separate sections. Lines are joined as bytes before decoding, because
 * writers wrap at 72 bytes even inside a UTF-8 character.
 */
export function parseJavaManifest(content: Buffer): JavaManifest {
  const sections: Map<string, string>[] = [];
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const line of content.toString('latin1').split(/\r\n|\r|\n/)) {
    if (line === '') {
      current = undefined;
      lastKey = undefined;
      continue;
    }
    if (line.startsWith(' ')) {
      if (current && lastKey !== undefined) {
        current.set(lastKey, `${current.get(lastKey) ?? ''}${line.slice(1)}`);
      }
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (!current) {
      current = new Map();
      sections.push(current);
    }
    lastKey = line.slice(0, colon).trim().toLowerCase();
    current.set(lastKey, line.slice(colon + 1));
  }
  for (const section of sections) {
    for (const [key, value] of section) {
      section.set(key, Buffer.from(value, 'latin1').toString('utf8').trim());
    }
  }
  return { main: sections[0] ?? new Map(), sections: sections.slice(1) };
}

/**
 * Reads a Java properties file (`pom.properties`): `key=value`, `key: value` or `key value`,
 * `#`/`!` comments, backslash escapes and line continuations, ISO-8859-1 with `\uXXXX`.
 */
export function parseJavaProperties(text: string): Map<string, string> {
  const values = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // An odd number of trailing backslashes continues the line on the next one.
    while (/(?:^|[^\\])(?:\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i].replace(/^[ \t\f]+/, '');
    }
    const m = /^((?:\\.|[^\\=: \t\f])*)[ \t\f]*[=:]?[ \t\f]*(.*)$/.exec(line);
    if (!m) continue;
    values.set(unescapeProperty(m[1]), unescapeProperty(m[2]));
  }
  return values;
}

function unescapeProperty(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.?)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[c] ?? c;
  });
}

/**
 * The name and version a Java archive's file name gives: `commons-jelly-1.1-hudson-20100305.jar`
 * → `commons-jelly`, `1.1-hudson-20100305`. The version starts at the first dash-separated part
 * that starts with a digit, is `build<digits>...`, or is `r<digits>`/`rc<digits>`; without such a
 * part, at the first `.`, `_` or `-` followed by a digit (`pkg_4.3.2`).
 */
export function parseArchiveFileName(fileName: string): { name: string; version?: string } {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '');
  if (!/^\p{L}/u.test(base)) return { name: '' };
  const parts = base.split('-');
  const at = parts.findIndex((p, i) => i > 0 && /^(?:\d|build\d|rc?\d+$)/i.test(p));
  if (at > 0) return { name: parts.slice(0, at).join('-'), version: parts.slice(at).join('-') };
  const m = /[._-](\d.*|build\d.*|rc?\d+)$/i.exec(base);
  if (m && m.index > 0) return { name: base.slice(0, m.index), version: m[1] };
  return { name: base };
}

/** An artifact name as a file name gives it: `org.example.widget` names the artifact `widget`. */
function artifactFromFileName(name: string): string {
  if (!name.includes('.') || name.startsWith('org.eclipse.')) return name;
  const fields = name.split('.');
  // Fields that could all start Java identifiers read as group + artifact.
  return fields.every((f) => /^[\p{L}\p{Nl}\p{Sc}\p{Pc}]/u.test(f))
    ? fields[fields.length - 1]
    : name;
}

/**
 * Attributes whose value may be the Maven group id, most telling first: Maven's archiver writes
 * the group id as `Implementation-Vendor-Id`; the others are guesses that hold when they read as
 * a reverse domain name.
 */
const GROUP_ATTRIBUTES = [
  'group-id',
  'implementation-vendor-id',
  'bundle-symbolicname',
  'extension-name',
  'specification-vendor',
  'implementation-vendor',
  'implementation-title',
  'bundle-activator',
  'automatic-module-name',
];
const NAME_ATTRIBUTES = [
  'name',
  'bundle-name',
  'short-name',
  'extension-name',
  'implementation-title',
];
const VERSION_ATTRIBUTES = [
  'implementation-version',
  'specification-version',
  'plugin-version',
  'bundle-version',
];

/** An OSGi header value without its directives: `org.foo;singleton:=true` → `org.foo`. */
function withoutDirectives(value: string): string {
  return value.split(';')[0].trim();
}

/**
 * The package a manifest and the archive's file name describe, for archives without a
 * `pom.properties` of their own. Name: the Maven Bundle Plugin's `Bundle-SymbolicName`
 * (`group.artifact`), else the file name, else the manifest's name attributes. Version: the file
 * name's, else the manifest's.
 * The group is the first group-like attribute that reads as a reverse domain name (`org.example`);
 * without one the name is the artifact alone. New Relic instrumentation jars (`Weave-Classes`)
 * name the library they instrument, not themselves, and give no package.
 */
export function packageFromManifest(
  manifest: JavaManifest,
  fileName: string,
): { group?: string; artifact: string; version: string } | undefined {
  const main = manifest.main;
  if (main.has('weave-classes')) return undefined;
  const fromFile = parseArchiveFileName(fileName);

  let artifact = '';
  const symbolicName = withoutDirectives(main.get('bundle-symbolicname') ?? '');
  if (
    (main.get('created-by') ?? '').includes('Apache Maven Bundle Plugin') &&
    symbolicName !== '' &&
    // A symbolic name that is the group id alone names no artifact.
    symbolicName !== main.get('implementation-vendor-id')
  ) {
    artifact = symbolicName.slice(symbolicName.lastIndexOf('.') + 1);
  }
  if (!artifact) artifact = artifactFromFileName(fromFile.name);
  if (!artifact) artifact = NAME_ATTRIBUTES.map((a) => main.get(a)).find((v) => !!v) ?? '';

  let version = fromFile.version ?? '';
  for (const section of [main, ...manifest.sections]) {
    if (version) break;
    version = VERSION_ATTRIBUTES.map((a) => section.get(a)).find((v) => !!v) ?? '';
  }
  if (!artifact || !version) return undefined;

  const group = GROUP_ATTRIBUTES.map((a) => withoutDirectives(main.get(a) ?? '')).find((v) =>
    /^(?:com|org|net|io|be)\.[\w.-]+$/.test(v),
  );
  return { ...(group ? { group } : {}), artifact, version };
}

/**
 * Whether a `pom.properties` artifact id is the archive's own rather than a bundled (shaded)
 * dependency's: it is the name in the archive's file name, or starts it, or ends it, as syft
 * allows (`guava-jdk5` for `guava.jar`, `lang3` for `commons-lang3.jar`); `_` counts as `-`.
 */
function artifactNamesArchive(artifactId: string, fileName: string): boolean {
  // Distributions rename jars with dashes for underscores (error_prone_annotations).
  const own = parseArchiveFileName(fileName).name.replace(/_/g, '-');
  const artifact = artifactId.replace(/_/g, '-');
  return own !== '' && (artifact === own || artifact.startsWith(own) || own.endsWith(artifact));
}

interface Budget {
  limits: JavaArchiveLimits;
  inflatedBytes: number;
  entries: number;
}

function openZip(buffer: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // Names are decoded here, not by yauzl, which rejects a whole archive for one odd name;
    // nothing is written to disk, so names are only labels.
    yauzl.fromBuffer(
      buffer,
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true },
      (err, zip) => (err || !zip ? reject(err ?? new Error('no zip file')) : resolve(zip)),
    );
  });
}

function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/** Inflates an entry, giving up (and stopping the inflater) as soon as it passes `maxBytes`. */
function inflateEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('no stream'));
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          stream.destroy();
          reject(new Error(`expands to more than ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

function entryName(entry: yauzl.Entry): string {
  return entry.fileNameRaw.toString('utf8').replace(/\\/g, '/').replace(/^\/+/, '');
}

function isJavaArchiveName(name: string): boolean {
  const lower = name.toLowerCase();
  return JAVA_ARCHIVE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Inflates a metadata file within its own cap and the budget, charging the budget. */
async function readMetadata(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  budget: Budget,
): Promise<Buffer> {
  const left = budget.limits.maxInflatedBytes - budget.inflatedBytes;
  const cap = Math.min(budget.limits.maxMetadataBytes, left);
  if (entry.uncompressedSize > cap) {
    throw new Error(`claims ${entry.uncompressedSize} bytes, more than the ${cap} allowed`);
  }
  const content = await inflateEntry(zip, entry, cap);
  budget.inflatedBytes += content.length;
  return content;
}

async function readArchive(
  buffer: Buffer,
  location: string,
  fileName: string,
  depth: number,
  budget: Budget,
  report: JavaArchiveReport,
): Promise<void> {
  const zip = await openZip(buffer);
  try {
    const entriesLeft = budget.limits.maxEntries - budget.entries;
    if (zip.entryCount > entriesLeft) {
      throw new Error(
        `${zip.entryCount} zip entries, more than the ${entriesLeft} left of the limit`,
      );
    }
    budget.entries += zip.entryCount;
    const entries = (await listEntries(zip))
      .map((entry) => ({ entry, name: entryName(entry) }))
      .filter(({ name }) => !name.endsWith('/'))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

    const seen = new Set<string>();
    const add = (name: string, version: string) => {
      const key = `${name}@${version}`;
      if (seen.has(key)) return;
      seen.add(key);
      report.packages.push({ ecosystem: 'Maven', name, version, location });
    };

    const pomArtifacts: string[] = [];
    for (const { entry, name } of entries) {
      const pom = POM_PROPERTIES.exec(name);
      if (!pom) continue;
      let properties: Map<string, string>;
      try {
        properties = parseJavaProperties(
          (await readMetadata(zip, entry, budget)).toString('latin1'),
        );
      } catch (e) {
        report.notes.push(`${location}:${name}: skipped, ${messageOf(e)}`);
        continue;
      }
      // The directory names are the coordinates Maven wrote the file under.
      const group = properties.get('groupId') || pom[1];
      const artifact = properties.get('artifactId') || pom[2];
      const version = properties.get('version');
      if (!version) continue;
      add(`${group}:${artifact}`, version);
      pomArtifacts.push(artifact);
    }

    if (!pomArtifacts.some((artifact) => artifactNamesArchive(artifact, fileName))) {
      const manifest = entries.find(({ name }) => name.toLowerCase() === MANIFEST_PATH);
      if (manifest) {
        try {
          const described = packageFromManifest(
            parseJavaManifest(await readMetadata(zip, manifest.entry, budget)),
            fileName,
          );
          if (described) {
            add(
              described.group ? `${described.group}:${described.artifact}` : described.artifact,
              described.version,
            );
          }
        } catch (e) {
          report.notes.push(`${location}:${manifest.name}: skipped, ${messageOf(e)}`);
        }
      }
    }

    for (const { entry, name } of entries) {
      if (!isJavaArchiveName(name)) continue;
      const nested = `${location}:${name}`;
      if (depth + 1 > budget.limits.maxDepth) {
        report.notes.push(
          `${nested}: skipped, nested deeper than ${budget.limits.maxDepth} archives`,
        );
        continue;
      }
      const left = budget.limits.maxInflatedBytes - budget.inflatedBytes;
      if (entry.uncompressedSize > left) {
        report.notes.push(
          `${nested}: skipped, claims ${entry.uncompressedSize} bytes, more than the ${left} left of the limit`,
        );
        continue;
      }
      try {
        const content = await inflateEntry(zip, entry, left);
        budget.inflatedBytes += content.length;
        await readArchive(content, nested, name, depth + 1, budget, report);
      } catch (e) {
        report.notes.push(`${nested}: skipped, ${messageOf(e)}`);
      }
    }
  } finally {
    zip.close();
  }
}

/**
 * Inventories a Java archive and the archives nested in it (`WEB-INF/lib/*.jar`,
 * `BOOT-INF/lib/*.jar`, ...). Each `META-INF/maven/<group>/<artifact>/pom.properties` gives a
 * Maven package `group:artifact`. When none of them is the archive's own (none at all, or only
 * those of shaded dependencies, as in Guice's jar), its manifest and file name give one more
 * (`packageFromManifest`). Packages of a nested archive are located at
 * `app.war:WEB-INF/lib/x.jar`. A nested archive that would pass a limit, or cannot be read, is
 * skipped with a note; an unreadable top-level archive throws.
 */
export async function analyzeJavaArchive(
  content: Buffer,
  location: string,
  limits: JavaArchiveLimits = DEFAULT_JAVA_ARCHIVE_LIMITS,
): Promise<JavaArchiveReport> {
  const report: JavaArchiveReport = { packages: [], notes: [] };
  const budget: Budget = { limits, inflatedBytes: 0, entries: 0 };
  try {
    await readArchive(content, location, location, 0, budget, report);
  } catch (e) {
    throw new Error(`not a readable Java archive: ${messageOf(e)}`);
  }
  return report;
}

function isJavaArchive(file: LayerFile): boolean {
  return isJavaArchiveName(file.path);
}

/**
 * Finds Maven packages in Java archives; skipped nested archives become notes. An archive that
 * cannot be read at all throws.
 */
export const javaArchiveExtractor = {
  name: 'java-archive',
  kind: 'buffer',
  maxBytes: 256 * 1024 * 1024,
  matches: isJavaArchive,
  async extract(content, file) {
    const { packages, notes } = await analyzeJavaArchive(content, file.path);
    return { packages, notes };
  },
} satisfies FileExtractor;
