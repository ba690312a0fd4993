export const OS_RELEASE_PATHS = ['etc/os-release', 'usr/lib/os-release'];

export interface OsRelease {
  id: string;
  versionId?: string;
  versionCodename?: string;
  prettyName?: string;
}

/** Reads an os-release file (shell-style `KEY=value`, values optionally quoted with escapes). */
export function parseOsRelease(text: string): OsRelease | undefined {
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    const quoted = /^(["'])(.*)\1$/.exec(value);
    if (quoted) value = quoted[1] === '"' ? quoted[2].replace(/\\(["\\$`])/g, '$1') : quoted[2];
    values.set(m[1], value);
  }
  const id = values.get('ID');
  if (!id) return undefined;
  return {
    id,
    ...(values.get('VERSION_ID') ? { versionId: values.get('VERSION_ID') } : {}),
    ...(values.get('VERSION_CODENAME') ? { versionCodename: values.get('VERSION_CODENAME') } : {}),
    ...(values.get('PRETTY_NAME') ? { prettyName: values.get('PRETTY_NAME') } : {}),
  };
}
