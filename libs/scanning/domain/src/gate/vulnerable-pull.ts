import type { Severity } from '../severity/cvss3';

/** One finding of a report as the gate reads it: `[vulnerability id, Harbor severity]`. */
export type GateFinding = readonly [id: string, severity: string];

/** What the gate judges of an artifact's scan: its status and, once finished, its findings. */
export interface GateReport {
  /** `Pending`, `Running`, `Success`, `Error` or `Stopped`. */
  status: string;
  findings: readonly GateFinding[];
}

/** The gate's answer: pass, or refuse with the message the client is shown. */
export type PullVerdict = { allowed: true } | { allowed: false; message: string };

// Harbor's ranks: None and Unknown rank alike; a severity nobody knows ranks above all, so
// an unexpected value blocks rather than slips through.
const RANK: Record<string, number> = {
  None: 0,
  Unknown: 0,
  Negligible: 1,
  Low: 2,
  Medium: 3,
  High: 4,
  Critical: 5,
};
const UNRECOGNIZED_RANK = 99;

/** The rank of a Harbor severity name for comparisons (None = Unknown < Negligible < Low < … < Critical). */
export function severityRank(severity: string): number {
  return Object.hasOwn(RANK, severity) ? RANK[severity] : UNRECOGNIZED_RANK;
}

/**
 * The threshold a project's `severity` metadata (`low`, `high`, …) sets, read as Harbor reads
 * it: capitalised, `negligible` as None, anything else (or nothing) as Unknown, which ranks
 * lowest, so every finding reaches it.
 */
export function thresholdOf(metadataSeverity: string | undefined): Severity {
  const word = (metadataSeverity ?? '').toLowerCase();
  switch (word) {
    case 'none':
    case 'negligible':
      return 'None';
    case 'low':
      return 'Low';
    case 'medium':
      return 'Medium';
    case 'high':
      return 'High';
    case 'critical':
      return 'Critical';
    default:
      return 'Unknown';
  }
}

/** Reads a report's `findings` column (compact JSON `[[id, severity], …]`); throws on anything else. */
export function parseFindings(json: string): GateFinding[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('scan report findings are not JSON');
  }
  if (!Array.isArray(parsed)) throw new Error('scan report findings are not a list');
  return parsed.map((f: unknown, i) => {
    if (!Array.isArray(f) || f.length < 2 || typeof f[0] !== 'string' || typeof f[1] !== 'string')
      throw new Error(`scan report finding ${i} is not [id, severity]`);
    return [f[0], f[1]] as const;
  });
}

const policyOf = (threshold: Severity): string =>
  `configured policy in 'Prevent images with vulnerability severity of "${threshold}" or higher from running.'`;

/**
 * Harbor's "prevent vulnerable images from running" for one scannable image: no report, or a
 * scan that has not succeeded, refuses the pull; a successful one refuses it when a finding
 * not in `allowlist` reaches `threshold`. The message names how many findings are left after
 * the allowlist (all severities, as Harbor counts them) and the threshold.
 */
export function judgeVulnerablePull(
  threshold: Severity,
  report: GateReport | undefined,
  allowlist: ReadonlySet<string>,
): PullVerdict {
  if (!report)
    return {
      allowed: false,
      message: `current image without vulnerability scanning cannot be pulled due to ${policyOf(threshold)} To continue with pull, please contact your project administrator for help.`,
    };
  if (report.status !== 'Success')
    return {
      allowed: false,
      message: `current image with "${report.status}" status of vulnerability scanning cannot be pulled due to ${policyOf(threshold)} To continue with pull, please contact your project administrator for help.`,
    };
  let remaining = 0;
  let worst = -1;
  for (const [id, severity] of report.findings) {
    if (allowlist.has(id)) continue;
    remaining += 1;
    worst = Math.max(worst, severityRank(severity));
  }
  if (remaining === 0 || worst < severityRank(threshold)) return { allowed: true };
  return {
    allowed: false,
    message: `current image with ${remaining} ${remaining === 1 ? 'vulnerability' : 'vulnerabilities'} cannot be pulled due to ${policyOf(threshold)} To continue with pull, please contact your project administrator to exempt matched vulnerabilities through configuring the CVE allowlist.`,
  };
}
