import {
  WEBHOOK_EVENT_TYPES,
  type LastTrigger,
  type WebhookAttemptEntity,
  type WebhookJobEntity,
  type WebhookPolicyEntity,
} from '@berth/notifications/domain';

/** Harbor's WebhookTargetObject. */
export interface WebhookTargetResp {
  type: 'http' | 'slack';
  address: string;
  auth_header: string;
  skip_cert_verify: boolean;
  payload_format: 'Default' | 'CloudEvents';
}

/** Harbor's WebhookPolicy. */
export interface WebhookPolicyResp {
  id: number;
  name: string;
  description: string;
  project_id: number;
  targets: WebhookTargetResp[];
  event_types: string[];
  creator: string;
  creation_time: string;
  update_time: string;
  enabled: boolean;
}

/**
 * The policy as Harbor shows it. `auth_header` is echoed, as Harbor does: only project admins
 * and maintainers read policies, and the portal sends the targets back whole on every edit.
 */
export function toWebhookPolicyResp(p: WebhookPolicyEntity): WebhookPolicyResp {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    project_id: p.projectId,
    targets: p.targets.map((t) => ({
      type: t.type,
      address: t.address,
      auth_header: t.authHeader,
      skip_cert_verify: t.skipCertVerify,
      payload_format: t.payloadFormat,
    })),
    event_types: p.eventTypes,
    creator: p.creator,
    creation_time: p.creationTime,
    update_time: p.updateTime,
    enabled: p.enabled,
  };
}

/** Harbor's Execution metrics: one task per webhook execution. */
export interface ExecutionMetrics {
  task_count: number;
  success_task_count: number;
  error_task_count: number;
  pending_task_count: number;
  running_task_count: number;
  scheduled_task_count: number;
  stopped_task_count: number;
}

/** Harbor's Execution, for a webhook delivery. */
export interface WebhookExecutionResp {
  id: number;
  vendor_type: string;
  vendor_id: number;
  status: string;
  status_message: string;
  trigger: 'EVENT';
  extra_attrs: { event_type: string; payload: string };
  start_time: string;
  end_time?: string;
  metrics: ExecutionMetrics;
}

export function toWebhookExecutionResp(job: WebhookJobEntity): WebhookExecutionResp {
  const one = (status: string): number => (job.status === status ? 1 : 0);
  return {
    id: job.id,
    vendor_type: job.vendorType,
    vendor_id: job.policyId,
    status: job.status,
    status_message: job.statusMessage,
    trigger: 'EVENT',
    extra_attrs: { event_type: job.eventType, payload: job.payload },
    start_time: job.creationTime,
    ...(job.endTime && { end_time: job.endTime }),
    metrics: {
      task_count: 1,
      success_task_count: one('Success'),
      error_task_count: one('Error'),
      pending_task_count: one('Pending'),
      running_task_count: one('Running'),
      scheduled_task_count: 0,
      stopped_task_count: one('Stopped'),
    },
  };
}

/** Harbor's Task: the execution's single delivery task, under the execution's id. */
export interface WebhookTaskResp {
  id: number;
  execution_id: number;
  status: string;
  status_message: string;
  run_count: number;
  extra_attrs: { event_type: string };
  creation_time: string;
  update_time: string;
  start_time?: string;
  end_time?: string;
}

export function toWebhookTaskResp(job: WebhookJobEntity): WebhookTaskResp {
  return {
    id: job.id,
    execution_id: job.id,
    status: job.status,
    status_message: job.statusMessage,
    run_count: job.attempts,
    extra_attrs: { event_type: job.eventType },
    creation_time: job.creationTime,
    update_time: job.updateTime,
    ...(job.startTime && { start_time: job.startTime }),
    ...(job.endTime && { end_time: job.endTime }),
  };
}

/** The task log: one line per attempt, with its answer or its error and how long it took. */
export function webhookTaskLog(attempts: WebhookAttemptEntity[]): string {
  return attempts
    .map((a) => {
      const outcome =
        a.statusCode !== null
          ? `HTTP ${a.statusCode}${a.ok ? '' : ` ${a.error}`.trimEnd()}`
          : `error: ${a.error || 'no answer'}`;
      return `${a.startedAt} attempt ${a.attempt}: ${outcome} in ${a.durationMs} ms\n`;
    })
    .join('');
}

/** Harbor's WebhookLastTrigger. */
export interface WebhookLastTriggerResp {
  policy_name: string;
  enabled: boolean;
  creation_time: string;
  last_trigger_time?: string;
  event_type: string;
}

/** One entry per policy and event type it subscribes to; never-triggered ones have no time. */
export function toLastTriggers(
  policies: WebhookPolicyEntity[],
  triggers: LastTrigger[],
): WebhookLastTriggerResp[] {
  return policies.flatMap((p) =>
    p.eventTypes.map((eventType) => {
      const last = triggers.find((t) => t.policyId === p.id && t.eventType === eventType);
      return {
        policy_name: p.name,
        enabled: p.enabled,
        creation_time: p.creationTime,
        ...(last && { last_trigger_time: last.lastTriggerTime }),
        event_type: eventType,
      };
    }),
  );
}

/** Harbor's SupportedWebhookEventTypes. */
export const SUPPORTED_WEBHOOK_EVENTS = {
  event_type: [...WEBHOOK_EVENT_TYPES],
  notify_type: ['http', 'slack'],
  payload_formats: [
    { notify_type: 'http', formats: ['Default', 'CloudEvents'] },
    { notify_type: 'slack', formats: ['Default'] },
  ],
};
