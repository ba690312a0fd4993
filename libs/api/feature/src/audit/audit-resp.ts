import type {
  AuditLogEntity,
  AuditPurgeExecutionEntity,
  PurgeSchedule,
} from '@berth/notifications/domain';

/** Harbor's AuditLog, then the extensions of Harbor 2.13's audit-log-exts. */
export interface AuditLogResp {
  id: number;
  username: string;
  resource: string;
  resource_type: string;
  operation: string;
  op_time: string;
  operation_description: string;
  operation_result: boolean;
  client_ip: string;
}

export function toAuditLogResp(a: AuditLogEntity): AuditLogResp {
  return {
    id: a.id,
    username: a.username,
    resource: a.resource,
    resource_type: a.resourceType,
    operation: a.operation,
    op_time: a.opTime,
    operation_description: a.description,
    operation_result: a.result,
    client_ip: a.sourceAddress ?? '',
  };
}

export const PURGE_JOB_NAME = 'PURGE_AUDIT_LOG';

/** Harbor's ExecHistory for a purge run. */
export interface PurgeExecHistoryResp {
  id?: number;
  job_name: typeof PURGE_JOB_NAME;
  job_kind: string;
  job_parameters: string;
  job_status: string;
  deleted: false;
  creation_time?: string;
  update_time?: string;
  schedule?: { type: string; cron: string; next_scheduled_time?: string };
}

/** Harbor's purge job parameters, as the JSON text its ExecHistory carries. */
function jobParameters(retentionHours: number, operations: string, dryRun: boolean): string {
  return JSON.stringify({
    audit_retention_hour: retentionHours,
    include_operations: operations,
    dry_run: dryRun,
  });
}

export function toPurgeExecHistory(run: AuditPurgeExecutionEntity): PurgeExecHistoryResp {
  return {
    id: run.id,
    job_name: PURGE_JOB_NAME,
    job_kind: run.trigger,
    job_parameters: jobParameters(run.retentionHours, run.includeOperations, run.dryRun),
    job_status: run.status,
    deleted: false,
    creation_time: run.startTime,
    update_time: run.endTime ?? run.startTime,
  };
}

export function toPurgeScheduleResp(
  s: PurgeSchedule,
  nextRun: string | undefined,
): PurgeExecHistoryResp {
  const p = s.parameters;
  return {
    job_name: PURGE_JOB_NAME,
    job_kind: 'SCHEDULE',
    job_parameters: jobParameters(p.auditRetentionHour, p.includeOperations.join(','), p.dryRun),
    job_status: '',
    deleted: false,
    schedule: { type: s.type, cron: s.cron, ...(nextRun && { next_scheduled_time: nextRun }) },
  };
}
