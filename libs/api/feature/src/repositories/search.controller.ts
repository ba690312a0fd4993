import { Get, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { badRequest, firstQueryValue, type RawQuery } from '@berth/api/domain';
import { ArtifactStore } from '@berth/artifacts/domain';
import { RequestAuthenticator, UserRepository, type Principal } from '@berth/identity/domain';
import {
  ProjectAccess,
  ProjectRepository,
  ProjectRepositoryCountQuery,
  type Project,
} from '@berth/projects/domain';
import { HarborApiController } from '../harbor-api.decorator';
import { callerOf } from '../projects/project-request';
import { toProjectResp, type ProjectResp } from '../projects/project-resp';

// Search answers one bounded list per kind, as Harbor's does (it takes no paging).
const SEARCH_LIMIT = 100;

export interface SearchRepositoryResp {
  project_id: number;
  project_name: string;
  project_public: boolean;
  repository_name: string;
  pull_count: number;
  artifact_count: number;
}

export interface SearchResp {
  project: ProjectResp[];
  repository: SearchRepositoryResp[];
}

/** Harbor's `/search`: the projects and repositories whose names contain `q`, among those the caller may see. */
@HarborApiController('search')
export class SearchController {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly projects: ProjectRepository,
    private readonly access: ProjectAccess,
    private readonly users: UserRepository,
    private readonly repoCounts: ProjectRepositoryCountQuery,
    private readonly store: ArtifactStore,
  ) {}

  @Get()
  async search(@Query() query: RawQuery, @Req() req: FastifyRequest): Promise<SearchResp> {
    const q = firstQueryValue(query, 'q');
    if (q === undefined || q === '') throw badRequest('q is required');
    const caller = await callerOf(this.authenticator, req);
    const visible = await this.visibleProjects(caller);
    const byId = new Map(visible.map((p) => [p.id, p]));
    const needle = q.toLowerCase();
    const matching = visible
      .filter((p) => p.name.toLowerCase().includes(needle))
      .slice(0, SEARCH_LIMIT);
    const repositories = await this.store.searchRepositories([...byId.keys()], q, SEARCH_LIMIT);
    return {
      project: await Promise.all(matching.map((p) => this.projectResp(caller, p))),
      repository: repositories.map((r) => {
        const project = byId.get(r.projectId)!;
        return {
          project_id: project.id,
          project_name: project.name,
          project_public: project.isPublic,
          repository_name: r.name,
          pull_count: r.pullCount,
          artifact_count: r.artifactCount,
        };
      }),
    };
  }

  /** Public projects and the caller's own; every project for a system admin. */
  private async visibleProjects(caller: Principal): Promise<Project[]> {
    const visibleTo =
      caller.kind !== 'user' ? {} : caller.sysadmin ? undefined : { userId: caller.id };
    const { projects } = await this.projects.list({
      visibleTo,
      query: { filters: [], sorts: [] },
      paging: { page: 1, pageSize: 10_000, offset: 0, limit: 10_000 },
    });
    return projects;
  }

  private async projectResp(caller: Principal, project: Project): Promise<ProjectResp> {
    const [owner, repoCount, role] = await Promise.all([
      this.users.findById(project.ownerId),
      this.repoCounts.count(project.id),
      this.access.roleOf(caller, project),
    ]);
    return toProjectResp(project, owner?.username ?? '', repoCount, role);
  }
}
