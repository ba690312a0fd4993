import {
  Body,
  Delete,
  Get,
  Head,
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
  badRequest,
  firstQueryValue,
  parseListQuery,
  parsePaging,
  type ListQuerySpec,
  type RawQuery,
} from '@berth/api/domain';
import {
  actorOf,
  IdentityErrorFilter,
  RequestAuthenticator,
  UserRepository,
  type Principal,
} from '@berth/identity/domain';
import {
  CreateProjectUseCase,
  DeleteProjectUseCase,
  GetProjectCveAllowlistUseCase,
  GetProjectSummaryUseCase,
  GetProjectUseCase,
  ListProjectsUseCase,
  ProjectAccess,
  ProjectExistsUseCase,
  ProjectRepositoryCountQuery,
  SetProjectCveAllowlistUseCase,
  UpdateProjectUseCase,
  type Project,
  type ProjectSummary,
} from '@berth/projects/domain';
import { API_PREFIX, HarborApiController } from '../harbor-api.decorator';
import { setPageHeaders } from '../pagination';
import { callerOf, objectBody, projectRef } from './project-request';
import { toCveAllowlistResp } from '../system-cve-allowlist/cve-allowlist-resp';
import { toProjectResp, type ProjectResp } from './project-resp';

export const PROJECTS_LIST_QUERY: ListQuerySpec = {
  filters: {
    name: { type: 'string' },
    project_id: { type: 'integer' },
    creation_time: { type: 'time' },
    update_time: { type: 'time' },
  },
  sorts: ['name', 'project_id', 'creation_time', 'update_time'],
};

/**
 * Harbor's `/api/v2.0/projects`. Reads are open to anonymous callers for public projects;
 * every project is checked with ProjectAccess by the use cases.
 */
@UseFilters(IdentityErrorFilter)
@HarborApiController('projects')
export class ProjectsController {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly listProjects: ListProjectsUseCase,
    private readonly createProject: CreateProjectUseCase,
    private readonly projectExists: ProjectExistsUseCase,
    private readonly getProject: GetProjectUseCase,
    private readonly updateProject: UpdateProjectUseCase,
    private readonly deleteProject: DeleteProjectUseCase,
    private readonly getSummary: GetProjectSummaryUseCase,
    private readonly access: ProjectAccess,
    private readonly users: UserRepository,
    private readonly repositories: ProjectRepositoryCountQuery,
    private readonly getAllowlist: GetProjectCveAllowlistUseCase,
    private readonly setAllowlist: SetProjectCveAllowlistUseCase,
  ) {}

  // Declared before the GET of the same path, so Fastify takes it instead of its automatic HEAD.
  @Head()
  async head(@Query() query: RawQuery, @Req() req: FastifyRequest): Promise<void> {
    const name = firstQueryValue(query, 'project_name');
    if (!name) throw badRequest('project_name is required');
    await this.projectExists.execute(await callerOf(this.authenticator, req), name);
  }

  @Get()
  async list(
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProjectResp[]> {
    const caller = await callerOf(this.authenticator, req);
    const paging = parsePaging(query);
    const publicParam = firstQueryValue(query, 'public');
    if (publicParam !== undefined && publicParam !== 'true' && publicParam !== 'false')
      throw badRequest('public must be true or false');
    const { projects, total } = await this.listProjects.execute(caller, {
      name: firstQueryValue(query, 'name') || undefined,
      public: publicParam === undefined ? undefined : publicParam === 'true',
      owner: firstQueryValue(query, 'owner') || undefined,
      query: parseListQuery(query, PROJECTS_LIST_QUERY),
      paging,
    });
    setPageHeaders(req, reply, paging, total);
    return Promise.all(projects.map((p) => this.resp(caller, p)));
  }

  @Post()
  @HttpCode(201)
  async create(
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const caller = await callerOf(this.authenticator, req);
    const fields = objectBody(body);
    // Checked before the project exists, stored once it does.
    const allowlist =
      caller.kind !== 'user' || fields.cve_allowlist === undefined || fields.cve_allowlist === null
        ? undefined
        : this.setAllowlist.check(fields.cve_allowlist);
    const project = await this.createProject.execute(caller, fields, actorOf(caller, req));
    if (allowlist)
      await this.setAllowlist.execute({ project, input: allowlist }, actorOf(caller, req));
    // Harbor's X-Resource-Name-In-Location: true asks for the name in Location instead of the id.
    const byName = req.headers['x-resource-name-in-location'] === 'true';
    reply.header(
      'Location',
      `${API_PREFIX}/projects/${byName ? encodeURIComponent(project.name) : project.id}`,
    );
  }

  @Get(':project_name_or_id')
  async get(
    @Param('project_name_or_id') p: string,
    @Req() req: FastifyRequest,
  ): Promise<ProjectResp> {
    const caller = await callerOf(this.authenticator, req);
    return this.resp(caller, await this.getProject.execute(caller, projectRef(p, req)));
  }

  @Put(':project_name_or_id')
  async update(
    @Param('project_name_or_id') p: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    const caller = await callerOf(this.authenticator, req);
    const fields = objectBody(body);
    const ref = projectRef(p, req);
    // Authorized and checked before the metadata is written, stored after it.
    const allowlist =
      fields.cve_allowlist === undefined || fields.cve_allowlist === null
        ? undefined
        : await this.setAllowlist.prepare(caller, ref, fields.cve_allowlist);
    await this.updateProject.execute(caller, ref, fields, actorOf(caller, req));
    if (allowlist) await this.setAllowlist.execute(allowlist, actorOf(caller, req));
  }

  @Delete(':project_name_or_id')
  async delete(@Param('project_name_or_id') p: string, @Req() req: FastifyRequest): Promise<void> {
    const caller = await callerOf(this.authenticator, req);
    await this.deleteProject.execute(caller, projectRef(p, req), actorOf(caller, req));
  }

  @Get(':project_name_or_id/summary')
  async summary(
    @Param('project_name_or_id') p: string,
    @Req() req: FastifyRequest,
  ): Promise<ProjectSummary> {
    return this.getSummary.execute(await callerOf(this.authenticator, req), projectRef(p, req));
  }

  private async resp(caller: Principal, project: Project): Promise<ProjectResp> {
    const [owner, repoCount, role, allowlist] = await Promise.all([
      this.users.findById(project.ownerId),
      this.repositories.count(project.id),
      this.access.roleOf(caller, project),
      this.getAllowlist.execute(project),
    ]);
    return {
      ...toProjectResp(project, owner?.username ?? '', repoCount, role),
      cve_allowlist: toCveAllowlistResp(allowlist),
    };
  }
}
