import { z } from 'zod';

const digest = z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/);

/**
 * One scan of one artifact by one scanner registration: the artifact (`repository` is the full
 * name, `project/repo`), the report row it fills and who asked (`auto-scan` on push,
 * `scan-all`, or a user).
 */
const scanRef = {
  project: z.string().min(1),
  repository: z.string().min(1),
  digest,
  reportId: z.string().uuid(),
  registration: z.string().uuid(),
  scanType: z.enum(['vulnerability', 'sbom']),
  /** Who asked: a user, `auto-scan` or `scan-all` (absent in events written before it was added). */
  requestedBy: z.string().min(1).max(255).optional(),
};

export const scanRequestedV1 = z.object({
  ...scanRef,
  requestedBy: z.string().min(1).max(255),
});

/** Harbor's overall severity and counts by severity, as the report's summary says. */
export const scanCompletedV1 = z.object({
  ...scanRef,
  severity: z.enum(['None', 'Unknown', 'Low', 'Medium', 'High', 'Critical']),
  total: z.number().int().nonnegative(),
  fixable: z.number().int().nonnegative(),
  /** Findings per severity (`{"High": 2}`), as the report's summary counts them. */
  bySeverity: z.record(z.string(), z.number().int().nonnegative()).optional(),
});

/** The `reason` of a `scan.failed` for a scan stopped on request (Harbor's SCANNING_STOPPED). */
export const SCAN_STOPPED_REASON = 'stopped on request';

/** `reason` in words safe to show: what the scan log says. */
export const scanFailedV1 = z.object({ ...scanRef, reason: z.string().min(1).max(1024) });
