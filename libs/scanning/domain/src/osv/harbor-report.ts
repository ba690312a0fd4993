import type { Severity } from '../severity/cvss3';
import type { Finding } from './vulnerability-matcher';

/** The MIME type of Harbor's vulnerability report this module builds. */
export const HARBOR_VULNERABILITY_REPORT_MIME =
  'application/vnd.security.vulnerability.report; version=1.1';

/** Harbor's CVSSDetails (`preferred_cvss`); a score or vector that is not known is left out. */
export interface HarborCvssDetails {
  score_v3?: number;
  vector_v3?: string;
  score_v4?: number;
  vector_v4?: string;
}

/** Harbor's VulnerabilityItem, as the Pluggable Scanner API v1.2 and Harbor's report name it. */
export interface HarborVulnerabilityItem {
  id: string;
  package: string;
  version: string;
  /** '' when no fixed version is known. */
  fix_version: string;
  severity: Severity;
  description: string;
  links: string[];
  preferred_cvss: HarborCvssDetails;
  cwe_ids: string[];
  vendor_attributes: Record<string, unknown>;
  artifact_digests: string[];
}

/** The scanned artifact, as the report names it. */
export interface HarborReportArtifact {
  repository: string;
  digest: string;
  mime_type: string;
}

/** The scanner that produced the report. */
export interface HarborReportScanner {
  name: string;
  vendor: string;
  version: string;
}

/** Harbor's vulnerability report (`application/vnd.security.vulnerability.report; version=1.1`). */
export interface HarborVulnerabilityReport {
  generated_at: string;
  artifact: HarborReportArtifact;
  scanner: HarborReportScanner;
  /** The highest severity of the findings; `None` when there are none. */
  severity: Severity;
  vulnerabilities: HarborVulnerabilityItem[];
}

/** Harbor's VulnerabilitySummary, the `summary` of an artifact's `scan_overview` entry. */
export interface HarborVulnerabilitySummary {
  total: number;
  /** Findings with a fix version. */
  fixable: number;
  /** Count per severity; severities without findings are left out, as Harbor does. */
  summary: Partial<Record<Severity, number>>;
}

const ORDER: readonly Severity[] = ['None', 'Unknown', 'Low', 'Medium', 'High', 'Critical'];
const rank = (s: Severity): number => ORDER.indexOf(s);

/** The highest of some severities; `None` for none. */
export function overallSeverity(severities: Iterable<Severity>): Severity {
  let highest: Severity = 'None';
  for (const s of severities) if (rank(s) > rank(highest)) highest = s;
  return highest;
}

/** One finding as a report item of the artifact it was found in. */
export function toHarborItem(finding: Finding, artifactDigest: string): HarborVulnerabilityItem {
  const cvss: HarborCvssDetails = {
    ...(finding.cvssV3 ? { score_v3: finding.cvssV3.score, vector_v3: finding.cvssV3.vector } : {}),
    ...(finding.cvssV4 ? { score_v4: finding.cvssV4.score, vector_v4: finding.cvssV4.vector } : {}),
  };
  return {
    id: finding.id,
    package: finding.package,
    version: finding.version,
    fix_version: finding.fixVersion,
    severity: finding.severity,
    description: finding.description,
    links: finding.links,
    preferred_cvss: cvss,
    cwe_ids: finding.cweIds,
    vendor_attributes: {
      osv_id: finding.advisoryId,
      aliases: finding.aliases,
      ecosystem: finding.ecosystem,
      location: finding.location,
      ...(finding.sourcePackage
        ? { source_package: finding.sourcePackage, source_version: finding.sourceVersion }
        : {}),
    },
    artifact_digests: [artifactDigest],
  };
}

/** Report order: most severe first, then by id, package and version. */
export function compareReportItems(
  a: Pick<HarborVulnerabilityItem, 'severity' | 'id' | 'package' | 'version'>,
  b: Pick<HarborVulnerabilityItem, 'severity' | 'id' | 'package' | 'version'>,
): number {
  return (
    rank(b.severity) - rank(a.severity) ||
    cmp(a.id, b.id) ||
    cmp(a.package, b.package) ||
    cmp(a.version, b.version)
  );
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** What a report is built from. */
export interface HarborReportInput {
  artifact: HarborReportArtifact;
  scanner: HarborReportScanner;
  findings: readonly Finding[];
  /** Defaults to now. */
  generatedAt?: Date;
}

/**
 * The report Harbor's API returns for an artifact under
 * `application/vnd.security.vulnerability.report; version=1.1`: the findings as items sorted
 * by severity (highest first) then id, and the overall severity.
 */
export function buildHarborReport(input: HarborReportInput): HarborVulnerabilityReport {
  const vulnerabilities = input.findings
    .map((f) => toHarborItem(f, input.artifact.digest))
    .sort(compareReportItems);
  return {
    generated_at: (input.generatedAt ?? new Date()).toISOString(),
    artifact: input.artifact,
    scanner: input.scanner,
    severity: overallSeverity(vulnerabilities.map((v) => v.severity)),
    vulnerabilities,
  };
}

/** The counts Harbor shows in `scan_overview`: total, fixable and per severity. */
export function summarizeVulnerabilities(
  items: ReadonlyArray<Pick<HarborVulnerabilityItem, 'severity' | 'fix_version'>>,
): HarborVulnerabilitySummary {
  const summary: Partial<Record<Severity, number>> = {};
  for (const item of items) summary[item.severity] = (summary[item.severity] ?? 0) + 1;
  return {
    total: items.length,
    fixable: items.filter((i) => i.fix_version !== '').length,
    summary,
  };
}
