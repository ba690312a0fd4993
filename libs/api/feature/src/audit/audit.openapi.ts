import type { OpenApiSchema } from '@berth/api/domain';
import type { OpenApiDocument } from '../openapi.document';
import {
  LIST_PARAMS,
  READ_ERRORS,
  WRITE_ERRORS,
  createdResponse,
  errorResponses,
  okResponse,
  pageOf,
  paramRef,
  pathParam,
  textResponse,
} from '../openapi-helpers';

/** Harbor's audit log lists and `/system/purgeaudit`. */

const time: OpenApiSchema = { type: 'string', format: 'date-time' };
const auditLog: OpenApiSchema = {
  type: 'object',
  required: ['id', 'username', 'resource', 'resource_type', 'operation', 'op_time'],
  properties: {
    id: { type: 'integer' },
    username: { type: 'string' },
    resource: { type: 'string' },
    resource_type: { type: 'string' },
    operation: { type: 'string' },
    op_time: time,
    operation_description: { type: 'string' },
    operation_result: { type: 'boolean' },
    client_ip: { type: 'string' },
  },
};
const execHistory: OpenApiSchema = {
  type: 'object',
  required: ['job_name', 'job_kind', 'job_parameters', 'job_status', 'deleted'],
  properties: {
    id: { type: 'integer' },
    job_name: { type: 'string', enum: ['PURGE_AUDIT_LOG'] },
    job_kind: { type: 'string', enum: ['MANUAL', 'SCHEDULE'] },
    job_parameters: {
      type: 'string',
      description: 'JSON: audit_retention_hour, include_operations, dry_run.',
    },
    job_status: { type: 'string' },
    deleted: { type: 'boolean' },
    creation_time: time,
    update_time: time,
    schedule: {
      type: 'object',
      properties: {
        type: { type: 'string', enum: ['None', 'Hourly', 'Daily', 'Weekly', 'Custom'] },
        cron: { type: 'string' },
        next_scheduled_time: time,
      },
    },
  },
};

const LIST_ERRORS = ['BadRequest', 'Unauthorized', 'Forbidden', 'UnprocessableEntity'];
const ADMIN_ERRORS = ['Unauthorized', 'Forbidden', 'InternalServerError'];
const purgeId = pathParam('purge_id', 'The purge run id.');

export const auditPaths: OpenApiDocument['paths'] = {
  '/audit-logs': {
    get: {
      operationId: 'listAuditLogs',
      summary:
        'Audit log rows: every row for a system admin, else those of projects where the caller may list logs.',
      tags: ['auditlog'],
      parameters: LIST_PARAMS,
      responses: {
        '200': pageOf('A page of audit log rows.', auditLog),
        ...errorResponses(...LIST_ERRORS, 'InternalServerError'),
      },
    },
  },
  '/projects/{project_name}/logs': {
    get: {
      operationId: 'getLogs',
      summary: 'The project’s audit log rows (project admin, maintainer, developer, guest).',
      tags: ['project'],
      parameters: [pathParam('project_name', 'The project name.', 'string'), ...LIST_PARAMS],
      responses: {
        '200': pageOf('A page of audit log rows.', auditLog),
        ...errorResponses(...READ_ERRORS, 'UnprocessableEntity'),
      },
    },
  },
  '/system/purgeaudit': {
    get: {
      operationId: 'getPurgeHistory',
      summary: 'Audit log purge runs, newest first (system admin).',
      tags: ['purge'],
      parameters: [paramRef('page'), paramRef('pageSize')],
      responses: {
        '200': pageOf('A page of purge runs.', execHistory),
        ...errorResponses(...ADMIN_ERRORS, 'UnprocessableEntity'),
      },
    },
  },
  '/system/purgeaudit/{purge_id}': {
    get: {
      operationId: 'getPurgeJob',
      summary: 'A purge run (system admin).',
      tags: ['purge'],
      parameters: [purgeId],
      responses: {
        '200': okResponse('The run.', execHistory),
        ...errorResponses(...ADMIN_ERRORS, 'NotFound'),
      },
    },
  },
  '/system/purgeaudit/{purge_id}/log': {
    get: {
      operationId: 'getPurgeJobLog',
      summary: 'What a purge run removed, or would have in a dry run (system admin).',
      tags: ['purge'],
      parameters: [purgeId],
      responses: {
        '200': textResponse('The log.'),
        ...errorResponses(...ADMIN_ERRORS, 'NotFound'),
      },
    },
  },
  '/system/purgeaudit/schedule': {
    get: {
      operationId: 'getPurgeSchedule',
      summary: 'The purge schedule and its parameters (system admin).',
      tags: ['purge'],
      responses: {
        '200': okResponse('The schedule.', execHistory),
        ...errorResponses(...ADMIN_ERRORS),
      },
    },
    post: {
      operationId: 'createPurgeSchedule',
      summary:
        'Set the schedule; with schedule.type Manual, purge now (Location names the run) (system admin).',
      tags: ['purge'],
      responses: { '201': createdResponse, ...errorResponses(...WRITE_ERRORS) },
    },
    put: {
      operationId: 'updatePurgeSchedule',
      summary: 'Change the schedule (system admin).',
      tags: ['purge'],
      responses: { '200': okResponse('Updated.'), ...errorResponses(...WRITE_ERRORS) },
    },
  },
};
