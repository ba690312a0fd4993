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
  UseInterceptors,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  badRequest,
  conflict,
  firstQueryValue,
  notFound,
  parseListQuery,
  parsePaging,
  type ListQuerySpec,
  type RawQuery,
} from '@berth/api/domain';
import {
  ACCESSORY_FILTER_FIELDS,
  ACCESSORY_SORT_FIELDS,
  ArtifactStore,
  indexChildren,
  selectAccessories,
  type AccessoryView,
  type ArtifactView,
} from '@berth/artifacts/domain';
import { actorOf, RequestAuthenticator } from '@berth/identity/domain';
import { isValidTag } from '@berth/oci';
import { HarborApiController } from '../harbor-api.decorator';
import { ArtifactScanOverviewInterceptor } from '../scans/scan-overview.interceptor';
import { setPageHeaders } from '../pagination';
import { callerOf, objectBody } from '../projects/project-request';
import {
  toAccessoryResp,
  toArtifactResp,
  toRepositoryResp,
  toTagResp,
  type AccessoryResp,
  type ArtifactResp,
  type RepositoryResp,
  type TagResp,
} from './artifact-resp';
import { RepositoryScope } from './repository-scope';

export const REPOSITORIES_LIST_QUERY: ListQuerySpec = {
  filters: { name: { type: 'string' }, id: { type: 'integer' } },
  sorts: ['name', 'creation_time', 'id'],
};

/** Harbor's artifact list filters (see ARTIFACT_LIST_COLUMNS) and sorts; newest first by default. */
export const ARTIFACTS_LIST_QUERY: ListQuerySpec = {
  filters: {
    digest: { type: 'string', kinds: ['exact'] },
    media_type: { type: 'string', kinds: ['exact', 'fuzzy'] },
    push_time: { type: 'time', kinds: ['range'] },
    tags: { type: 'string', kinds: ['exact', 'or'] },
  },
  sorts: ['push_time', 'digest'],
};

/** Harbor's accessory list: by type (`signature.cosign`, `sbom.harbor`, …) or digest; newest first. */
export const ACCESSORIES_LIST_QUERY: ListQuerySpec = {
  filters: Object.fromEntries(
    ACCESSORY_FILTER_FIELDS.map((f) => [f, { type: 'string', kinds: ['exact', 'or'] }] as const),
  ),
  sorts: ACCESSORY_SORT_FIELDS,
};

/** The tags of one artifact document no `q` or `sort`: either is refused, never silently ignored. */
export const UNFILTERED_LIST_QUERY: ListQuerySpec = { filters: {}, sorts: [] };

// Harbor keeps descriptions in a text column; Berth bounds them.
export const MAX_REPOSITORY_DESCRIPTION = 65_535;

/**
 * Harbor's repositories, artifacts and tags under `/projects/{project_name}/repositories`.
 * Every object is looked up inside the path's project after ProjectAccess allowed the action.
 */
@HarborApiController('projects/:project_name/repositories')
export class RepositoriesController {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly scope: RepositoryScope,
    private readonly store: ArtifactStore,
  ) {}

  @Get()
  async list(
    @Param('project_name') projectName: string,
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RepositoryResp[]> {
    const caller = await callerOf(this.authenticator, req);
    const paging = parsePaging(query);
    const list = parseListQuery(query, REPOSITORIES_LIST_QUERY);
    const project = await this.scope.project(caller, projectName, 'repository:read');
    const { repositories, total } = await this.store.listRepositories(project.id, list, paging);
    setPageHeaders(req, reply, paging, total);
    return repositories.map(toRepositoryResp);
  }

  @Get(':repository_name')
  async get(
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Req() req: FastifyRequest,
  ): Promise<RepositoryResp> {
    const caller = await callerOf(this.authenticator, req);
    const { repository } = await this.scope.repository(
      caller,
      projectName,
      repositoryName,
      'repository:read',
    );
    return toRepositoryResp(repository);
  }

  /** Harbor's body is a whole `Repository`; only its description is read (absent: cleared). */
  @Put(':repository_name')
  async update(
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    const caller = await callerOf(this.authenticator, req);
    const { repository } = await this.scope.repository(
      caller,
      projectName,
      repositoryName,
      'repository:update',
    );
    const description = objectBody(body).description ?? '';
    if (typeof description !== 'string') throw badRequest('description must be a string');
    if (description.length > MAX_REPOSITORY_DESCRIPTION)
      throw badRequest(`description must be at most ${MAX_REPOSITORY_DESCRIPTION} characters`);
    await this.store.updateRepositoryDescription(repository, description);
  }

  @Delete(':repository_name')
  async delete(
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    const caller = await callerOf(this.authenticator, req);
    const { repository } = await this.scope.repository(
      caller,
      projectName,
      repositoryName,
      'repository:delete',
    );
    await this.store.deleteRepository(repository, actorOf(caller, req));
  }

  @Get(':repository_name/artifacts')
  @UseInterceptors(ArtifactScanOverviewInterceptor)
  async listArtifacts(
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ArtifactResp[]> {
    const caller = await callerOf(this.authenticator, req);
    const paging = parsePaging(query);
    const list = parseListQuery(query, ARTIFACTS_LIST_QUERY);
    const withTag = boolParam(query, 'with_tag', true);
    const withAccessory = boolParam(query, 'with_accessory', false);
    const { project, repository } = await this.scope.repository(
      caller,
      projectName,
      repositoryName,
      'artifact:read',
    );
    const { artifacts, total } = await this.store.listArtifacts(repository.id, paging, list);
    setPageHeaders(req, reply, paging, total);
    return this.resps(project.id, repository.name, artifacts, withTag, withAccessory);
  }

  @Get(':repository_name/artifacts/:reference')
  @UseInterceptors(ArtifactScanOverviewInterceptor)
  async getArtifact(
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
  ): Promise<ArtifactResp> {
    const caller = await callerOf(this.authenticator, req);
    const withTag = boolParam(query, 'with_tag', true);
    const withAccessory = boolParam(query, 'with_accessory', false);
    const { project, repository, artifact } = await this.scope.artifact(
      caller,
      projectName,
      repositoryName,
      reference,
      'artifact:read',
    );
    return (await this.resps(project.id, repository.name, [artifact], withTag, withAccessory))[0];
  }

  /** Harbor's accessories of an artifact (its signatures, SBOMs, attached files), one level deep. */
  @Get(':repository_name/artifacts/:reference/accessories')
  async listAccessories(
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessoryResp[]> {
    const caller = await callerOf(this.authenticator, req);
    const paging = parsePaging(query);
    const list = parseListQuery(query, ACCESSORIES_LIST_QUERY);
    const { repository, artifact } = await this.scope.artifact(
      caller,
      projectName,
      repositoryName,
      reference,
      'artifact:read',
    );
    const accessories = selectAccessories(await this.store.accessoriesOf([artifact]), list);
    setPageHeaders(req, reply, paging, accessories.length);
    return accessories
      .slice(paging.offset, paging.offset + paging.limit)
      .map((a) => toAccessoryResp(a, repository.name));
  }

  @Delete(':repository_name/artifacts/:reference')
  async deleteArtifact(
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    const caller = await callerOf(this.authenticator, req);
    const { repository, artifact } = await this.scope.artifact(
      caller,
      projectName,
      repositoryName,
      reference,
      'artifact:delete',
    );
    await this.store.deleteArtifact(repository.name, artifact, actorOf(caller, req));
  }

  @Get(':repository_name/artifacts/:reference/tags')
  async listTags(
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TagResp[]> {
    const caller = await callerOf(this.authenticator, req);
    const paging = parsePaging(query);
    parseListQuery(query, UNFILTERED_LIST_QUERY);
    const { artifact } = await this.scope.artifact(
      caller,
      projectName,
      repositoryName,
      reference,
      'tag:read',
    );
    const tags = await this.store.tagsOf(artifact.repositoryId, [artifact.id]);
    setPageHeaders(req, reply, paging, tags.length);
    return tags.slice(paging.offset, paging.offset + paging.limit).map(toTagResp);
  }

  @Post(':repository_name/artifacts/:reference/tags')
  @HttpCode(201)
  async createTag(
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    const caller = await callerOf(this.authenticator, req);
    const { repository, artifact } = await this.scope.artifact(
      caller,
      projectName,
      repositoryName,
      reference,
      'tag:create',
    );
    const name = objectBody(body).name;
    if (typeof name !== 'string' || !isValidTag(name)) throw badRequest('invalid tag name');
    if (!(await this.store.createTag(repository.name, artifact, name, actorOf(caller, req))))
      throw conflict(`the tag ${name} already exists in the repository`);
  }

  @Delete(':repository_name/artifacts/:reference/tags/:tag_name')
  async deleteTag(
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
    @Param('tag_name') tagName: string,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    const caller = await callerOf(this.authenticator, req);
    const { repository, artifact } = await this.scope.artifact(
      caller,
      projectName,
      repositoryName,
      reference,
      'tag:delete',
    );
    if (!(await this.store.deleteTag(repository.name, artifact, tagName, actorOf(caller, req))))
      throw notFound(`tag ${tagName.slice(0, 128)} not found on the artifact`);
  }

  private async resps(
    projectId: number,
    repositoryName: string,
    artifacts: ArtifactView[],
    withTag: boolean,
    withAccessory: boolean,
  ): Promise<ArtifactResp[]> {
    if (artifacts.length === 0) return [];
    const repositoryId = artifacts[0].repositoryId;
    const [tags, childIds, accessories] = await Promise.all([
      withTag
        ? this.store.tagsOf(
            repositoryId,
            artifacts.map((a) => a.id),
          )
        : Promise.resolve(undefined),
      this.store.manifestIds(
        repositoryId,
        artifacts.flatMap((a) => indexChildren(a).map((c) => c.digest)),
      ),
      withAccessory
        ? this.store.accessoriesOf(artifacts)
        : Promise.resolve<AccessoryView[] | undefined>(undefined),
    ]);
    return artifacts.map((a) =>
      toArtifactResp(a, projectId, repositoryName, childIds, tags, accessories),
    );
  }
}

function boolParam(query: RawQuery, name: string, fallback: boolean): boolean {
  const raw = firstQueryValue(query, name);
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false') throw badRequest(`${name} must be true or false`);
  return raw === 'true';
}
