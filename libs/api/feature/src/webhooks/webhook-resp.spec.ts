import { describe, expect, it } from 'vitest';
import type {
  WebhookAttemptEntity,
  WebhookJobEntity,
  WebhookPolicyEntity,
} from '@berth/notifications/domain';
import {
  toLastTriggers,
  toWebhookExecutionResp,
  toWebhookTaskResp,
  webhookTaskLog,
} from './webhook-resp';

const job = (over: Partial<WebhookJobEntity> = {}): WebhookJobEntity =>
  ({
    id: 42,
    policyId: 7,
    projectId: 3,
    eventId: 'e',
    targetIndex: 0,
    eventType: 'PUSH_ARTIFACT',
    vendorType: 'WEBHOOK',
    address: 'https://hooks.example.test/x',
    contentType: 'application/json',
    payload: '{"type":"PUSH_ARTIFACT"}',
    status: 'Error',
    statusMessage: 'HTTP 500',
    attempts: 3,
    nextAttemptAt: 0,
    leaseUntil: 0,
    claim: null,
    creationTime: '2026-01-01T00:00:00.000Z',
    startTime: '2026-01-01T00:00:01.000Z',
    endTime: null,
    updateTime: '2026-01-01T00:00:09.000Z',
    ...over,
  }) as WebhookJobEntity;

const attempt = (over: Partial<WebhookAttemptEntity>): WebhookAttemptEntity =>
  ({
    id: 1,
    jobId: 42,
    attempt: 1,
    startedAt: '2026-01-01T00:00:01.000Z',
    durationMs: 12,
    statusCode: null,
    ok: false,
    error: '',
    ...over,
  }) as WebhookAttemptEntity;

describe('webhook executions and tasks in Harbor’s shapes', () => {
  it('counts the single task of an execution under its status', () => {
    const e = toWebhookExecutionResp(job());
    expect(e).toMatchObject({ id: 42, vendor_id: 7, trigger: 'EVENT', status: 'Error' });
    expect(e.metrics).toEqual({
      task_count: 1,
      success_task_count: 0,
      error_task_count: 1,
      pending_task_count: 0,
      running_task_count: 0,
      scheduled_task_count: 0,
      stopped_task_count: 0,
    });
    expect(e).not.toHaveProperty('end_time');
  });

  it('gives the task the execution’s id and its attempts as run_count', () => {
    expect(toWebhookTaskResp(job({ endTime: '2026-01-01T00:00:09.000Z' }))).toMatchObject({
      id: 42,
      execution_id: 42,
      run_count: 3,
      end_time: '2026-01-01T00:00:09.000Z',
    });
  });

  it('writes one log line per attempt: the answer or the error, and the time taken', () => {
    const log = webhookTaskLog([
      attempt({ attempt: 1, error: 'connect ECONNREFUSED' }),
      attempt({ attempt: 2, statusCode: 500, error: 'Internal Server Error' }),
      attempt({ attempt: 3, statusCode: 204, ok: true, durationMs: 5 }),
    ]);
    expect(log.split('\n')).toEqual([
      '2026-01-01T00:00:01.000Z attempt 1: error: connect ECONNREFUSED in 12 ms',
      '2026-01-01T00:00:01.000Z attempt 2: HTTP 500 Internal Server Error in 12 ms',
      '2026-01-01T00:00:01.000Z attempt 3: HTTP 204 in 5 ms',
      '',
    ]);
  });

  it('lists a last trigger per policy and subscribed event type', () => {
    const policy = {
      id: 7,
      name: 'ci',
      enabled: true,
      creationTime: '2026-01-01T00:00:00.000Z',
      eventTypes: ['PUSH_ARTIFACT', 'DELETE_ARTIFACT'],
    } as WebhookPolicyEntity;
    const triggers = toLastTriggers(
      [policy],
      [
        { policyId: 7, eventType: 'PUSH_ARTIFACT', lastTriggerTime: '2026-02-02T00:00:00.000Z' },
        { policyId: 8, eventType: 'DELETE_ARTIFACT', lastTriggerTime: '2026-03-03T00:00:00.000Z' },
      ],
    );
    expect(triggers).toEqual([
      {
        policy_name: 'ci',
        enabled: true,
        creation_time: '2026-01-01T00:00:00.000Z',
        last_trigger_time: '2026-02-02T00:00:00.000Z',
        event_type: 'PUSH_ARTIFACT',
      },
      {
        policy_name: 'ci',
        enabled: true,
        creation_time: '2026-01-01T00:00:00.000Z',
        event_type: 'DELETE_ARTIFACT',
      },
    ]);
  });
});
