import {
  Body,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  notFound,
  parseListQuery,
  parsePaging,
  type ListQuerySpec,
  type RawQuery,
} from '@berth/api/domain';
import { actorOf, IdentityErrorFilter, RequestAuthenticator } from '@berth/identity/domain';
import {
  WebhookJobRepository,
  WebhookPolicyRepository,
  WebhookPolicyUseCases,
  type WebhookJobEntity,
  type WebhookPolicyEntity,
} from '@berth/notifications/domain';
import { ProjectAuthorizer, type Project, type ProjectAction } from '@berth/projects/domain';
import { API_PREFIX, HarborApiController } from '../harbor-api.decorator';
import { setPageHeaders } from '../pagination';
import { callerOf, idParam, projectRef } from '../projects/project-request';
import { isoTimeFilters } from '../iso-time-filters';
import {
  SUPPORTED_WEBHOOK_EVENTS,
  toLastTriggers,
  toWebhookExecutionResp,
  toWebhookPolicyResp,
  toWebhookTaskResp,
  webhookTaskLog,
  type WebhookExecutionResp,
  type WebhookLastTriggerResp,
  type WebhookPolicyResp,
  type WebhookTaskResp,
} from './webhook-resp';

export const WEBHOOK_POLICIES_LIST_QUERY: ListQuerySpec = {
  filters: {
    name: { type: 'string' },
    enabled: { type: 'boolean' },
    id: { type: 'integer' },
    creation_time: { type: 'time' },
    update_time: { type: 'time' },
  },
  sorts: ['name', 'enabled', 'id', 'creation_time', 'update_time'],
};

export const WEBHOOK_EXECUTIONS_LIST_QUERY: ListQuerySpec = {
  filters: {
    id: { type: 'integer' },
    status: { type: 'string' },
    vendor_type: { type: 'string' },
    start_time: { type: 'time' },
    end_time: { type: 'time' },
  },
  sorts: ['id', 'status', 'vendor_type', 'start_time', 'end_time', 'creation_time'],
};

/**
 * Harbor's `/projects/{p}/webhook`: a project's policies, their deliveries (an execution with
 * one task each) and what triggered them. Every policy, execution and task id is looked up
 * inside the project and policy the path names: another project's id is not found.
 */
@UseFilters(IdentityErrorFilter)
@HarborApiController('projects/:project_name_or_id/webhook')
export class WebhookPoliciesController {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly authorizer: ProjectAuthorizer,
    private readonly useCases: WebhookPolicyUseCases,
    private readonly policies: WebhookPolicyRepository,
    private readonly jobs: WebhookJobRepository,
  ) {}

  @Get('policies')
  async list(
    @Param('project_name_or_id') p: string,
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebhookPolicyResp[]> {
    const project = await this.project(p, req, 'webhook:list');
    const paging = parsePaging(query);
    const list = isoTimeFilters(parseListQuery(query, WEBHOOK_POLICIES_LIST_QUERY));
    const { policies, total } = await this.policies.list(project.id, list, paging);
    setPageHeaders(req, reply, paging, total);
    return policies.map(toWebhookPolicyResp);
  }

  @Post('policies')
  @HttpCode(201)
  async create(
    @Param('project_name_or_id') p: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const caller = await callerOf(this.authenticator, req);
    const project = await this.authorizer.require(caller, projectRef(p, req), 'webhook:create');
    const policy = await this.useCases.create(project.id, actorOf(caller).operator, body);
    reply.header(
      'Location',
      `${API_PREFIX}/projects/${encodeURIComponent(p)}/webhook/policies/${policy.id}`,
    );
  }

  @Get('policies/:webhook_policy_id')
  async get(
    @Param('project_name_or_id') p: string,
    @Param('webhook_policy_id') id: string,
    @Req() req: FastifyRequest,
  ): Promise<WebhookPolicyResp> {
    return toWebhookPolicyResp(await this.policy(p, id, req, 'webhook:read'));
  }

  @Put('policies/:webhook_policy_id')
  async update(
    @Param('project_name_or_id') p: string,
    @Param('webhook_policy_id') id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    const project = await this.project(p, req, 'webhook:update');
    await this.useCases.update(project.id, idParam(id, 'webhook policy'), body);
  }

  @Delete('policies/:webhook_policy_id')
  async delete(
    @Param('project_name_or_id') p: string,
    @Param('webhook_policy_id') id: string,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    const project = await this.project(p, req, 'webhook:delete');
    await this.useCases.delete(project.id, idParam(id, 'webhook policy'));
  }

  @Get('policies/:webhook_policy_id/executions')
  async executions(
    @Param('project_name_or_id') p: string,
    @Param('webhook_policy_id') id: string,
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebhookExecutionResp[]> {
    const policy = await this.policy(p, id, req, 'webhook:list');
    const paging = parsePaging(query);
    const list = isoTimeFilters(parseListQuery(query, WEBHOOK_EXECUTIONS_LIST_QUERY));
    const { jobs, total } = await this.jobs.executions(policy.id, list, paging);
    setPageHeaders(req, reply, paging, total);
    return jobs.map(toWebhookExecutionResp);
  }

  @Get('policies/:webhook_policy_id/executions/:execution_id/tasks')
  async tasks(
    @Param('project_name_or_id') p: string,
    @Param('webhook_policy_id') id: string,
    @Param('execution_id') executionId: string,
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebhookTaskResp[]> {
    const job = await this.execution(p, id, executionId, req);
    const paging = parsePaging(query);
    setPageHeaders(req, reply, paging, 1);
    return paging.offset === 0 ? [toWebhookTaskResp(job)] : [];
  }

  @Get('policies/:webhook_policy_id/executions/:execution_id/tasks/:task_id/log')
  @Header('content-type', 'text/plain; charset=utf-8')
  async taskLog(
    @Param('project_name_or_id') p: string,
    @Param('webhook_policy_id') id: string,
    @Param('execution_id') executionId: string,
    @Param('task_id') taskId: string,
    @Req() req: FastifyRequest,
  ): Promise<string> {
    const job = await this.execution(p, id, executionId, req);
    if (idParam(taskId, 'task') !== job.id) throw notFound(`task ${taskId} not found`);
    return webhookTaskLog(await this.jobs.attempts(job.id));
  }

  @Get('lasttrigger')
  async lastTrigger(
    @Param('project_name_or_id') p: string,
    @Req() req: FastifyRequest,
  ): Promise<WebhookLastTriggerResp[]> {
    const project = await this.project(p, req, 'webhook:list');
    const [{ policies }, triggers] = await Promise.all([
      this.policies.list(project.id, { filters: [], sorts: [] }, everyPolicy),
      this.jobs.lastTriggers(project.id),
    ]);
    return toLastTriggers(policies, triggers);
  }

  @Get('events')
  async events(
    @Param('project_name_or_id') p: string,
    @Req() req: FastifyRequest,
  ): Promise<typeof SUPPORTED_WEBHOOK_EVENTS> {
    await this.project(p, req, 'webhook:read');
    return SUPPORTED_WEBHOOK_EVENTS;
  }

  private async project(p: string, req: FastifyRequest, action: ProjectAction): Promise<Project> {
    const caller = await callerOf(this.authenticator, req);
    return this.authorizer.require(caller, projectRef(p, req), action);
  }

  private async policy(
    p: string,
    id: string,
    req: FastifyRequest,
    action: ProjectAction,
  ): Promise<WebhookPolicyEntity> {
    const project = await this.project(p, req, action);
    return this.useCases.require(project.id, idParam(id, 'webhook policy'));
  }

  private async execution(
    p: string,
    id: string,
    executionId: string,
    req: FastifyRequest,
  ): Promise<WebhookJobEntity> {
    const policy = await this.policy(p, id, req, 'webhook:read');
    const job = await this.jobs.job(policy.id, idParam(executionId, 'execution'));
    if (!job) throw notFound(`execution ${executionId} not found`);
    return job;
  }
}

/** Last triggers cover every policy of a project: Harbor caps a project's policies far below this. */
const everyPolicy = { page: 1, pageSize: 1000, offset: 0, limit: 1000 };
