import {
  Body,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  badRequest,
  parseListQuery,
  parsePaging,
  type FilterCondition,
  type ListQuerySpec,
  type RawQuery,
} from '@berth/api/domain';
import {
  actorOf,
  AuthenticatedGuard,
  CurrentAuthentication,
  IdentityErrorFilter,
  type RequestAuthentication,
} from '@berth/identity/domain';
import { HarborApiController } from '../harbor-api.decorator';
import { setPageHeaders } from '../pagination';
import { idParam, objectBody } from '../projects/project-request';
import { toRobotResp, type RobotCreatedResp, type RobotResp } from './robot-resp';
import {
  CreateRobotUseCase,
  DeleteRobotUseCase,
  GetRobotUseCase,
  ListRobotsUseCase,
  RefreshRobotSecretUseCase,
  UpdateRobotUseCase,
} from './robot.usecases';

/** Harbor's `q` for robots: `Level=project,ProjectID=<id>`, exact matches only. */
export const ROBOTS_LIST_QUERY: ListQuerySpec = {
  filters: {
    Level: { type: 'string', kinds: ['exact'] },
    ProjectID: { type: 'integer', kinds: ['exact'] },
  },
  sorts: [],
};

/**
 * Harbor's `/api/v2.0/robots`: system robots for system admins, project robots for their
 * project's admins. Secrets leave only in the answers to create and refresh.
 */
@UseFilters(IdentityErrorFilter)
@HarborApiController('robots')
@UseGuards(AuthenticatedGuard)
export class RobotsController {
  constructor(
    private readonly listRobots: ListRobotsUseCase,
    private readonly createRobot: CreateRobotUseCase,
    private readonly getRobot: GetRobotUseCase,
    private readonly updateRobot: UpdateRobotUseCase,
    private readonly deleteRobot: DeleteRobotUseCase,
    private readonly refreshSecret: RefreshRobotSecretUseCase,
  ) {}

  @Get()
  async list(
    @CurrentAuthentication() auth: RequestAuthentication,
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RobotResp[]> {
    const paging = parsePaging(query);
    const { filters } = parseListQuery(query, ROBOTS_LIST_QUERY);
    const page = await this.listRobots.execute(
      auth.principal,
      {
        level: exact(filters, 'Level') as string | undefined,
        projectId: exact(filters, 'ProjectID') as number | undefined,
      },
      paging,
    );
    setPageHeaders(req, reply, paging, page.total);
    return page.robots.map(toRobotResp);
  }

  @Post()
  @HttpCode(201)
  async create(
    @CurrentAuthentication() auth: RequestAuthentication,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RobotCreatedResp> {
    const fields = objectBody(body);
    const level = fields['level'];
    if (level !== 'system' && level !== 'project')
      throw badRequest('level must be system or project');
    const { robot, secret } = await this.createRobot.execute(
      auth.principal,
      {
        name: stringField(fields, 'name') ?? '',
        description: stringField(fields, 'description') ?? '',
        level,
        duration: numberField(fields, 'duration'),
        disable: booleanField(fields, 'disable') ?? false,
        permissions: fields['permissions'],
      },
      actorOf(auth.principal, req),
    );
    reply.header('Cache-Control', 'no-store');
    reply.header('Location', `${req.url.split('?', 1)[0].replace(/\/+$/, '')}/${robot.id}`);
    return {
      id: robot.id,
      name: robot.name,
      secret,
      creation_time: robot.creationTime,
      expires_at: robot.expiresAt,
    };
  }

  @Get(':robot_id')
  async get(
    @CurrentAuthentication() auth: RequestAuthentication,
    @Param('robot_id') robotId: string,
  ): Promise<RobotResp> {
    return toRobotResp(await this.getRobot.execute(auth.principal, idParam(robotId, 'robot')));
  }

  @Put(':robot_id')
  async update(
    @CurrentAuthentication() auth: RequestAuthentication,
    @Param('robot_id') robotId: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    const fields = objectBody(body);
    await this.updateRobot.execute(
      auth.principal,
      idParam(robotId, 'robot'),
      {
        name: stringField(fields, 'name'),
        level: stringField(fields, 'level'),
        description: stringField(fields, 'description'),
        duration: numberField(fields, 'duration'),
        disable: booleanField(fields, 'disable'),
        permissions: fields['permissions'],
      },
      actorOf(auth.principal, req),
    );
  }

  @Delete(':robot_id')
  async delete(
    @CurrentAuthentication() auth: RequestAuthentication,
    @Param('robot_id') robotId: string,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    await this.deleteRobot.execute(
      auth.principal,
      idParam(robotId, 'robot'),
      actorOf(auth.principal, req),
    );
  }

  /** Harbor's `RobotSec`: `{secret}` sets it; without one Berth generates it and shows it once. */
  @Patch(':robot_id')
  async refresh(
    @CurrentAuthentication() auth: RequestAuthentication,
    @Param('robot_id') robotId: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ secret?: string }> {
    const fields = body === undefined || body === null ? {} : objectBody(body);
    const chosen = stringField(fields, 'secret');
    reply.header('Cache-Control', 'no-store');
    const secret = await this.refreshSecret.execute(
      auth.principal,
      idParam(robotId, 'robot'),
      chosen === '' ? undefined : chosen,
      actorOf(auth.principal, req),
    );
    return secret === undefined ? {} : { secret };
  }
}

function exact(filters: FilterCondition[], field: string): unknown {
  const c = filters.find((f) => f.field === field);
  return c?.kind === 'exact' ? c.value : undefined;
}

function stringField(fields: Record<string, unknown>, name: string): string | undefined {
  const v = fields[name];
  if (v !== undefined && v !== null && typeof v !== 'string')
    throw badRequest(`${name} must be a string`);
  return v ?? undefined;
}

function numberField(fields: Record<string, unknown>, name: string): number | undefined {
  const v = fields[name];
  if (v !== undefined && v !== null && typeof v !== 'number')
    throw badRequest(`${name} must be a number`);
  return v ?? undefined;
}

function booleanField(fields: Record<string, unknown>, name: string): boolean | undefined {
  const v = fields[name];
  if (v !== undefined && v !== null && typeof v !== 'boolean')
    throw badRequest(`${name} must be true or false`);
  return v ?? undefined;
}
