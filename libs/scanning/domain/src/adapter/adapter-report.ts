import {
  compareReportItems,
  overallSeverity,
  type HarborCvssDetails,
  type HarborReportScanner,
  type HarborVulnerabilityItem,
} from '../osv/harbor-report';
import type { Severity } from '../severity/cvss3';

/** An adapter's report that Berth cannot store. */
export class AdapterReportError extends Error {}

/** What Berth keeps of an external adapter's vulnerability report for one manifest. */
export interface AdapterReportContent {
  scanner: HarborReportScanner;
  items: HarborVulnerabilityItem[];
}

const SEVERITIES: Record<string, Severity> = {
  unknown: 'Unknown',
  // Berth's scale has no Negligible; it is stored as Low so that a gate at Low still sees it.
  negligible: 'Low',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
  none: 'None',
};
const MAX_ITEMS = 50_000;
const MAX_TEXT = 8192;

/**
 * Reads an external adapter's HarborVulnerabilityReport (either vulnerability MIME type) into
 * the items Berth stores, keyed to `digest`: strings are bounded, severities outside Harbor's
 * scale become Unknown, links must be http(s) and items without an id or package are refused.
 */
export function readAdapterReport(body: unknown, digest: string): AdapterReportContent {
  if (!isRecord(body)) throw new AdapterReportError('the report is not a JSON object');
  const scanner = isRecord(body.scanner) ? body.scanner : {};
  const list = body.vulnerabilities ?? [];
  if (!Array.isArray(list))
    throw new AdapterReportError('the report’s vulnerabilities is not a list');
  if (list.length > MAX_ITEMS)
    throw new AdapterReportError(`the report lists more than ${MAX_ITEMS} vulnerabilities`);
  const items = list.map((v: unknown, i) => readItem(v, i, digest)).sort(compareReportItems);
  return {
    scanner: {
      name: text(scanner.name, 128) || 'unknown',
      vendor: text(scanner.vendor, 128),
      version: text(scanner.version, 64),
    },
    items,
  };
}

/** A Harbor severity name as Berth stores it; Unknown for anything else. */
export function adapterSeverity(value: unknown): Severity {
  return (typeof value === 'string' && SEVERITIES[value.toLowerCase()]) || 'Unknown';
}

/** The highest severity among the items; None without items. */
export function severityOfItems(items: readonly HarborVulnerabilityItem[]): Severity {
  return overallSeverity(items.map((i) => i.severity));
}

function readItem(v: unknown, index: number, digest: string): HarborVulnerabilityItem {
  if (!isRecord(v)) throw new AdapterReportError(`vulnerability ${index} is not an object`);
  const id = text(v.id, 256);
  const pkg = text(v.package, 512);
  if (id === '' || pkg === '')
    throw new AdapterReportError(`vulnerability ${index} has no id or package`);
  const cvss = isRecord(v.preferred_cvss) ? v.preferred_cvss : {};
  const preferred: HarborCvssDetails = {
    ...(typeof cvss.score_v3 === 'number' && { score_v3: cvss.score_v3 }),
    ...(typeof cvss.vector_v3 === 'string' && { vector_v3: text(cvss.vector_v3, 256) }),
  };
  return {
    id,
    package: pkg,
    version: text(v.version, 256),
    fix_version: text(v.fix_version, 256),
    severity: adapterSeverity(v.severity),
    description: text(v.description, MAX_TEXT),
    links: (Array.isArray(v.links) ? v.links : [])
      .filter((l): l is string => typeof l === 'string' && /^https?:\/\//i.test(l))
      .slice(0, 32)
      .map((l) => l.slice(0, 2048)),
    preferred_cvss: preferred,
    cwe_ids: (Array.isArray(v.cwe_ids) ? v.cwe_ids : [])
      .filter((c): c is string => typeof c === 'string')
      .slice(0, 32)
      .map((c) => c.slice(0, 64)),
    vendor_attributes: isRecord(v.vendor_attributes) ? boundedAttributes(v.vendor_attributes) : {},
    artifact_digests: [digest],
  };
}

// Vendor attributes are kept when small; a large blob of them is not worth a row's size.
function boundedAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  return JSON.stringify(attributes).length <= MAX_TEXT ? attributes : {};
}

function text(v: unknown, max: number): string {
  return typeof v === 'string' ? v.slice(0, max) : '';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
