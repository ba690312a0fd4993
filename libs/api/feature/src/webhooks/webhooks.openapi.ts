import type { OpenApiSchema } from '@berth/api/domain';
import type { OpenApiDocument, OpenApiParameter } from '../openapi.document';
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

/** Harbor's project webhook paths: policies, their executions and tasks, last triggers, events. */

const onProject: OpenApiParameter[] = [
  pathParam(
    'project_name_or_id',
    'The project name or id; with X-Is-Resource-Name: true it is always read as a name.',
    'string',
  ),
  {
    name: 'X-Is-Resource-Name',
    in: 'header',
    description: 'true: project_name_or_id is a name.',
    schema: { type: 'boolean', default: false },
  },
];
const onPolicy = [...onProject, pathParam('webhook_policy_id', 'The webhook policy id.')];
const onExecution = [...onPolicy, pathParam('execution_id', 'The execution id.')];

const time: OpenApiSchema = { type: 'string', format: 'date-time' };
const target: OpenApiSchema = {
  type: 'object',
  required: ['type', 'address'],
  properties: {
    type: { type: 'string', enum: ['http', 'slack'] },
    address: { type: 'string', description: 'An http(s) URL.' },
    auth_header: {
      type: 'string',
      description: 'Sent as the Authorization header; shown to those who may read the policy.',
    },
    skip_cert_verify: { type: 'boolean' },
    payload_format: { type: 'string', enum: ['Default', 'CloudEvents'] },
  },
};
const policy: OpenApiSchema = {
  type: 'object',
  required: ['id', 'name', 'project_id', 'targets', 'event_types', 'enabled'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    description: { type: 'string' },
    project_id: { type: 'integer' },
    targets: { type: 'array', items: target },
    event_types: { type: 'array', items: { type: 'string' } },
    creator: { type: 'string' },
    creation_time: time,
    update_time: time,
    enabled: { type: 'boolean' },
  },
};
const count = { type: 'integer' } as const;
const execution: OpenApiSchema = {
  type: 'object',
  required: ['id', 'vendor_type', 'vendor_id', 'status', 'trigger', 'metrics'],
  properties: {
    id: { type: 'integer' },
    vendor_type: { type: 'string', enum: ['WEBHOOK', 'SLACK'] },
    vendor_id: { type: 'integer', description: 'The policy id.' },
    status: { type: 'string' },
    status_message: { type: 'string' },
    trigger: { type: 'string', enum: ['EVENT'] },
    extra_attrs: {
      type: 'object',
      properties: { event_type: { type: 'string' }, payload: { type: 'string' } },
    },
    start_time: time,
    end_time: time,
    metrics: {
      type: 'object',
      properties: {
        task_count: count,
        success_task_count: count,
        error_task_count: count,
        pending_task_count: count,
        running_task_count: count,
        scheduled_task_count: count,
        stopped_task_count: count,
      },
    },
  },
};
const task: OpenApiSchema = {
  type: 'object',
  required: ['id', 'execution_id', 'status', 'run_count'],
  properties: {
    id: { type: 'integer' },
    execution_id: { type: 'integer' },
    status: { type: 'string' },
    status_message: { type: 'string' },
    run_count: { type: 'integer', description: 'Delivery attempts so far.' },
    extra_attrs: { type: 'object', properties: { event_type: { type: 'string' } } },
    creation_time: time,
    update_time: time,
    start_time: time,
    end_time: time,
  },
};
const lastTrigger: OpenApiSchema = {
  type: 'object',
  required: ['policy_name', 'enabled', 'event_type'],
  properties: {
    policy_name: { type: 'string' },
    enabled: { type: 'boolean' },
    creation_time: time,
    last_trigger_time: time,
    event_type: { type: 'string' },
  },
};
const supportedEvents: OpenApiSchema = {
  type: 'object',
  required: ['event_type', 'notify_type', 'payload_formats'],
  properties: {
    event_type: { type: 'array', items: { type: 'string' } },
    notify_type: { type: 'array', items: { type: 'string' } },
    payload_formats: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          notify_type: { type: 'string' },
          formats: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

const LIST_ERRORS = [...READ_ERRORS, 'UnprocessableEntity'];
const tags = ['webhook'];

export const webhooksPaths: OpenApiDocument['paths'] = {
  '/projects/{project_name_or_id}/webhook/policies': {
    get: {
      operationId: 'ListWebhookPoliciesOfProject',
      summary: 'The project’s webhook policies (project admin, maintainer).',
      tags,
      parameters: [...onProject, ...LIST_PARAMS],
      responses: {
        '200': pageOf('A page of policies.', policy),
        ...errorResponses(...LIST_ERRORS),
      },
    },
    post: {
      operationId: 'CreateWebhookPolicyOfProject',
      summary:
        'Create a webhook policy (project admin). Targets on loopback, link-local or private addresses are refused unless the admin allowed them.',
      tags,
      parameters: onProject,
      responses: { '201': createdResponse, ...errorResponses(...WRITE_ERRORS, 'Conflict') },
    },
  },
  '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}': {
    get: {
      operationId: 'GetWebhookPolicyOfProject',
      summary: 'A webhook policy of the project (project admin, maintainer).',
      tags,
      parameters: onPolicy,
      responses: { '200': okResponse('The policy.', policy), ...errorResponses(...READ_ERRORS) },
    },
    put: {
      operationId: 'UpdateWebhookPolicyOfProject',
      summary: 'Change a webhook policy (project admin).',
      tags,
      parameters: onPolicy,
      responses: { '200': okResponse('Updated.'), ...errorResponses(...WRITE_ERRORS, 'Conflict') },
    },
    delete: {
      operationId: 'DeleteWebhookPolicyOfProject',
      summary: 'Delete a webhook policy and its executions (project admin).',
      tags,
      parameters: onPolicy,
      responses: { '200': okResponse('Deleted.'), ...errorResponses(...READ_ERRORS) },
    },
  },
  '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/executions': {
    get: {
      operationId: 'ListExecutionsOfWebhookPolicy',
      summary: 'The policy’s deliveries, newest first: one execution per event and target.',
      tags,
      parameters: [...onPolicy, ...LIST_PARAMS],
      responses: {
        '200': pageOf('A page of executions.', execution),
        ...errorResponses(...LIST_ERRORS),
      },
    },
  },
  '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/executions/{execution_id}/tasks':
    {
      get: {
        operationId: 'ListTasksOfWebhookExecution',
        summary: 'The execution’s task: one per execution, under the execution’s id.',
        tags,
        parameters: [...onExecution, paramRef('page'), paramRef('pageSize')],
        responses: { '200': pageOf('The tasks.', task), ...errorResponses(...LIST_ERRORS) },
      },
    },
  '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/executions/{execution_id}/tasks/{task_id}/log':
    {
      get: {
        operationId: 'GetLogsOfWebhookTask',
        summary: 'The task’s log: one line per delivery attempt.',
        tags,
        parameters: [...onExecution, pathParam('task_id', 'The task id.')],
        responses: { '200': textResponse('The log.'), ...errorResponses(...READ_ERRORS) },
      },
    },
  '/projects/{project_name_or_id}/webhook/lasttrigger': {
    get: {
      operationId: 'LastTrigger',
      summary: 'When each policy last fired, per event type it subscribes to.',
      tags,
      parameters: onProject,
      responses: {
        '200': okResponse('The last triggers.', { type: 'array', items: lastTrigger }),
        ...errorResponses(...READ_ERRORS),
      },
    },
  },
  '/projects/{project_name_or_id}/webhook/events': {
    get: {
      operationId: 'GetSupportedEventTypes',
      summary: 'The event types, notify types and payload formats policies may use.',
      tags,
      parameters: onProject,
      responses: {
        '200': okResponse('What is supported.', supportedEvents),
        ...errorResponses(...READ_ERRORS),
      },
    },
  },
};
