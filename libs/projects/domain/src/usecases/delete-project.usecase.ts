import { Injectable } from '@nestjs/common';
import { preconditionFailed } from '@berth/api/domain';
import type { Principal } from '@berth/identity/domain';
import { ProjectAuthorizer, type ProjectRef } from '../project-authorizer';
import { ProjectRepositoryCountQuery } from '../project-repository-count.query';
import { ProjectRepository } from '../project.repository';

/** A project admin deletes an empty project; one holding repositories is a 412, as in Harbor. */
@Injectable()
export class DeleteProjectUseCase {
  constructor(
    private readonly authorizer: ProjectAuthorizer,
    private readonly projects: ProjectRepository,
    private readonly repositories: ProjectRepositoryCountQuery,
  ) {}

  async execute(actor: Principal, ref: ProjectRef): Promise<void> {
    const project = await this.authorizer.require(actor, ref, 'project:delete');
    if ((await this.repositories.count(project.id)) > 0)
      throw preconditionFailed(
        `the project ${project.name} contains repositories, can not be deleted`,
      );
    await this.projects.markDeleted(project);
  }
}
