import type { RegistryAccessEntry } from '@berth/contracts';
import { isValidRepositoryName } from '@berth/oci';

const REPOSITORY_ACTIONS = new Set(['pull', 'push', 'delete', '*']);
const MAX_SCOPES = 64;
const MAX_SCOPE_LENGTH = 512;

export class ScopeError extends Error {}

/**
 * Parses Docker token-auth scopes (`repository:<name>:<actions>`, `registry:catalog:*`), each
 * parameter possibly holding several space-separated scopes. Unknown resource types and
 * unknown actions are ignored; a malformed repository scope is refused with ScopeError.
 * Entries for the same resource are merged.
 */
export function parseScopes(params: readonly string[]): RegistryAccessEntry[] {
  const scopes = params.flatMap((p) => p.split(' ')).filter((s) => s.length > 0);
  if (scopes.length > MAX_SCOPES) throw new ScopeError(`at most ${MAX_SCOPES} scopes`);
  const merged = new Map<string, RegistryAccessEntry>();
  for (const scope of scopes) {
    const entry = parseScope(scope);
    if (!entry) continue;
    const key = `${entry.type}:${entry.name}`;
    const existing = merged.get(key);
    if (existing) {
      existing.actions = [...new Set([...existing.actions, ...entry.actions])];
    } else {
      merged.set(key, entry);
    }
  }
  return [...merged.values()];
}

function parseScope(scope: string): RegistryAccessEntry | undefined {
  if (scope.length > MAX_SCOPE_LENGTH) throw new ScopeError('scope too long');
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) throw new ScopeError(`malformed scope "${printable(scope)}"`);
  const type = scope.slice(0, first);
  const name = scope.slice(first + 1, last);
  const actions = scope
    .slice(last + 1)
    .split(',')
    .filter((a) => a.length > 0);
  if (type === 'repository') {
    if (!isValidRepositoryName(name)) {
      throw new ScopeError(`invalid repository name in scope "${printable(scope)}"`);
    }
    const known = [...new Set(actions.filter((a) => REPOSITORY_ACTIONS.has(a)))];
    return known.length > 0 ? { type, name, actions: known } : undefined;
  }
  if (type === 'registry' && name === 'catalog' && actions.includes('*')) {
    return { type, name, actions: ['*'] };
  }
  return undefined; // other resource types (and `repository(plugin)` classes) grant nothing here
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
}
