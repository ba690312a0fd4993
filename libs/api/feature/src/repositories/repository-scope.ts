import { Injectable } from '@nestjs/common';
import { badRequest, forbidden, goPathUnescape, notFound, unauthorized } from '@berth/api/domain';
import {
  ArtifactStore,
  type ArtifactReference,
  type ArtifactView,
  type RepositoryView,
} from '@berth/artifacts/domain';
import type { Principal } from '@berth/identity/domain';
import {
  ProjectAccess,
  ProjectRepository,
  type Project,
  type ProjectAction,
} from '@berth/projects/domain';
import { isValidTag, parseDigest } from '@berth/oci';

/** Who may act on a repository route: the path's project checked, then objects looked up only inside it. */
@Injectable()
export class RepositoryScope {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly access: ProjectAccess,
    private readonly store: ArtifactStore,
  ) {}

  /** 404 without the project, 401 for anonymous callers and 403 for members without `action`. */
  async project(
    principal: Principal,
    projectName: string,
    action: ProjectAction,
  ): Promise<Project> {
    const project = await this.projects.getByName(projectName);
    if (!project) throw notFound(`project ${projectName.slice(0, 255)} not found`);
    if (!(await this.access.can(principal, project, action))) {
      if (principal.kind === 'anonymous') throw unauthorized('authentication required');
      throw forbidden(`${action} is not allowed in project ${project.name}`);
    }
    return project;
  }

  async repository(
    principal: Principal,
    projectName: string,
    repositoryName: string,
    action: ProjectAction,
  ): Promise<{ project: Project; repository: RepositoryView }> {
    const project = await this.project(principal, projectName, action);
    const name = `${project.name}/${repositoryNameParam(repositoryName)}`;
    const repository = await this.store.findRepository(project.id, name);
    if (!repository) throw notFound(`repository ${name.slice(0, 255)} not found`);
    return { project, repository };
  }

  async artifact(
    principal: Principal,
    projectName: string,
    repositoryName: string,
    reference: string,
    action: ProjectAction,
  ): Promise<{ project: Project; repository: RepositoryView; artifact: ArtifactView }> {
    const found = await this.repository(principal, projectName, repositoryName, action);
    const artifact = await this.store.findArtifact(found.repository.id, parseReference(reference));
    if (!artifact)
      throw notFound(`artifact ${found.repository.name}@${reference.slice(0, 160)} not found`);
    return { ...found, artifact };
  }
}

/** Harbor's `{repository_name}`: without the project, `/` sent as `%2F` and so arriving once more escaped (`a%252Fb`). */
export function repositoryNameParam(raw: string): string {
  const name = goPathUnescape(raw);
  if (name === undefined || name === '') throw badRequest('invalid repository name');
  return name;
}

/** A digest (contains ':') or a tag. */
export function parseReference(reference: string): ArtifactReference {
  if (reference.includes(':')) {
    if (!parseDigest(reference)) throw badRequest(`invalid digest ${reference.slice(0, 160)}`);
    return { kind: 'digest', digest: reference };
  }
  if (!isValidTag(reference)) throw badRequest(`invalid tag ${reference.slice(0, 160)}`);
  return { kind: 'tag', tag: reference };
}
