import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';
import { preconditionFailed } from '@berth/api/domain';
import { actorOf, robotDeleted, type Principal } from '@berth/identity/domain';
import { OutboxWriter } from '@berth/platform/messaging';
import { ProjectAuthorizer, type ProjectRef } from '../project-authorizer';
import { projectDeleted } from '../project-events';
import { ProjectRepositoryCountQuery } from '../project-repository-count.query';
import { ProjectRepository } from '../project.repository';

/**
 * A project admin deletes an empty project; one holding repositories is a 412, as in Harbor.
 * Its project robots go with it, each announced as deleted in the same transaction.
 */
@Injectable()
export class DeleteProjectUseCase {
  constructor(
    private readonly authorizer: ProjectAuthorizer,
    private readonly projects: ProjectRepository,
    private readonly repositories: ProjectRepositoryCountQuery,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(actor: Principal, ref: ProjectRef, audit: Actor = actorOf(actor)): Promise<void> {
    const project = await this.authorizer.require(actor, ref, 'project:delete');
    if ((await this.repositories.count(project.id)) > 0)
      throw preconditionFailed(
        `the project ${project.name} contains repositories, can not be deleted`,
      );
    await this.dataSource.transaction(async (em) => {
      const robots = await this.projects.markDeleted(project, em);
      for (const robot of robots)
        await this.outbox.append(em, robotDeleted(audit, { robot, project: project.name }));
      await this.outbox.append(em, projectDeleted(audit, project));
    });
  }
}
