import {
  Body,
  Delete,
  Get,
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
import { firstQueryValue, parsePaging, type RawQuery } from '@berth/api/domain';
import { actorOf, IdentityErrorFilter, RequestAuthenticator } from '@berth/identity/domain';
import {
  AddProjectMemberUseCase,
  DeleteProjectMemberUseCase,
  GetProjectMemberUseCase,
  ListProjectMembersUseCase,
  UpdateProjectMemberUseCase,
} from '@berth/projects/domain';
import { API_PREFIX, HarborApiController } from '../harbor-api.decorator';
import { setPageHeaders } from '../pagination';
import { callerOf, idParam, objectBody, projectRef } from './project-request';
import { toMemberResp, type ProjectMemberResp } from './project-resp';

/** Harbor's `/projects/{p}/members`: a member id is only ever looked up inside the named project. */
@UseFilters(IdentityErrorFilter)
@HarborApiController('projects/:project_name_or_id/members')
export class ProjectMembersController {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly listMembers: ListProjectMembersUseCase,
    private readonly getMember: GetProjectMemberUseCase,
    private readonly addMember: AddProjectMemberUseCase,
    private readonly updateMember: UpdateProjectMemberUseCase,
    private readonly deleteMember: DeleteProjectMemberUseCase,
  ) {}

  @Get()
  async list(
    @Param('project_name_or_id') p: string,
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProjectMemberResp[]> {
    const paging = parsePaging(query);
    const { members, total } = await this.listMembers.execute(
      await callerOf(this.authenticator, req),
      projectRef(p, req),
      paging,
      firstQueryValue(query, 'entityname') || undefined,
    );
    setPageHeaders(req, reply, paging, total);
    return members.map((m) => toMemberResp(m.member, m.entityName));
  }

  @Post()
  @HttpCode(201)
  async add(
    @Param('project_name_or_id') p: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const caller = await callerOf(this.authenticator, req);
    const member = await this.addMember.execute(
      caller,
      projectRef(p, req),
      objectBody(body),
      actorOf(caller, req),
    );
    reply.header(
      'Location',
      `${API_PREFIX}/projects/${encodeURIComponent(p)}/members/${member.id}`,
    );
  }

  @Get(':mid')
  async get(
    @Param('project_name_or_id') p: string,
    @Param('mid') mid: string,
    @Req() req: FastifyRequest,
  ): Promise<ProjectMemberResp> {
    const view = await this.getMember.execute(
      await callerOf(this.authenticator, req),
      projectRef(p, req),
      idParam(mid, 'member'),
    );
    return toMemberResp(view.member, view.entityName);
  }

  @Put(':mid')
  async update(
    @Param('project_name_or_id') p: string,
    @Param('mid') mid: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    const caller = await callerOf(this.authenticator, req);
    await this.updateMember.execute(
      caller,
      projectRef(p, req),
      idParam(mid, 'member'),
      objectBody(body),
      actorOf(caller, req),
    );
  }

  @Delete(':mid')
  async delete(
    @Param('project_name_or_id') p: string,
    @Param('mid') mid: string,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    const caller = await callerOf(this.authenticator, req);
    await this.deleteMember.execute(
      caller,
      projectRef(p, req),
      idParam(mid, 'member'),
      actorOf(caller, req),
    );
  }
}
