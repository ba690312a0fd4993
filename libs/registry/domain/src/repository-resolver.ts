import { Injectable } from '@nestjs/common';
import { OciError, isValidRepositoryName } from '@berth/oci';
import { ProjectRepository } from '@berth/projects/domain';
import type { RepositoryEntity } from './entities/repository.entity';
import { RepositoryRepository } from './repositories/repository.repository';

/** The project a repository name belongs to: its first path component. */
export function projectOf(name: string): string {
  return name.split('/', 1)[0];
}

export function requireValidName(name: string): void {
  if (!isValidRepositoryName(name))
    throw new OciError('NAME_INVALID', 'invalid repository name', { name });
}

/** Finds repositories for reads and creates them on first push, inside an existing project only. */
@Injectable()
export class RepositoryResolver {
  constructor(
    private readonly repositories: RepositoryRepository,
    private readonly projects: ProjectRepository,
  ) {}

  /** @throws NAME_UNKNOWN when the repository has never been pushed to */
  async existing(name: string): Promise<RepositoryEntity> {
    requireValidName(name);
    const repo = await this.repositories.findByName(name);
    if (!repo)
      throw new OciError('NAME_UNKNOWN', 'repository name not known to registry', { name });
    return repo;
  }

  /** The repository, or undefined when it has never been pushed to. @throws NAME_INVALID */
  async existingOrUndefined(name: string): Promise<RepositoryEntity | undefined> {
    requireValidName(name);
    return (await this.repositories.findByName(name)) ?? undefined;
  }

  /** The repository if it exists; otherwise checks its project exists and returns undefined. */
  async beforePush(name: string): Promise<{ repository?: RepositoryEntity; projectId: number }> {
    requireValidName(name);
    const repository = await this.repositories.findByName(name);
    if (repository) return { repository, projectId: repository.projectId };
    const project = await this.projects.findByName(projectOf(name));
    if (!project)
      throw new OciError('NAME_UNKNOWN', `project ${projectOf(name)} not found`, { name });
    return { projectId: project.id };
  }

  /** The repository, created in its project on first push. @throws NAME_UNKNOWN without the project */
  async forPush(name: string): Promise<RepositoryEntity> {
    const { repository, projectId } = await this.beforePush(name);
    return repository ?? this.repositories.findOrCreate(name, projectId);
  }
}
