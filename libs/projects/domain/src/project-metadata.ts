import { badRequest } from '@berth/api/domain';

/** Harbor's project metadata keys and the values each takes. */
const BOOLEAN_KEYS = [
  'public',
  'auto_scan',
  'prevent_vul',
  'enable_content_trust',
  'reuse_sys_cve_allowlist',
  'auto_sbom_generation',
] as const;
const SEVERITIES = ['none', 'unknown', 'negligible', 'low', 'medium', 'high', 'critical'];

export const PROJECT_METADATA_KEYS: readonly string[] = [...BOOLEAN_KEYS, 'severity'];

/**
 * Checks metadata as sent (`{"public": "true"}`; booleans are accepted too) and returns it as
 * the strings Harbor stores. Unknown keys and bad values are a 400.
 */
export function parseProjectMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('metadata must be an object');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!PROJECT_METADATA_KEYS.includes(key))
      throw badRequest(`unknown project metadata "${key.slice(0, 64)}"`);
    const text = typeof value === 'boolean' ? String(value) : value;
    if (typeof text !== 'string') throw badRequest(`metadata ${key} must be a string`);
    if (key === 'severity') {
      if (!SEVERITIES.includes(text.toLowerCase()))
        throw badRequest(`severity must be one of ${SEVERITIES.join(', ')}`);
      out[key] = text.toLowerCase();
    } else {
      const lower = text.toLowerCase();
      if (lower !== 'true' && lower !== 'false')
        throw badRequest(`metadata ${key} must be true or false`);
      out[key] = lower;
    }
  }
  return out;
}
