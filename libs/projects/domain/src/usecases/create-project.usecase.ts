import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';

import { badRequest } from '@berth/api/domain';
import { actorOf, type Principal } from '@berth/identity/domain';
import { OutboxWriter } from '@berth/platform/messaging';
import { requireUser } from '../project-authorizer';
import { projectCreated } from '../project-events';
import { parseProjectMetadata } from '../project-metadata';
import { requireProjectName } from '../project-name';
import { ProjectRepository, type Project } from '../project.repository';

/** Harbor's ProjectReq: `public` is the deprecated twin of `metadata.public`. */
export interface CreateProjectCommand {
  project_name?: unknown;
  public?: unknown;
  metadata?: unknown;
}

/** Any signed-in user creates a project (Harbor's default creation policy) and becomes its project admin. */
@Injectable()
export class CreateProjectUseCase {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(
    actor: Principal,
    command: CreateProjectCommand,
    audit: Actor = actorOf(actor),
  ): Promise<Project> {
    const user = requireUser(actor);
    const name = requireProjectName(command.project_name);
    const metadata = parseProjectMetadata(command.metadata);
    if (command.public !== undefined && command.public !== null) {
      if (typeof command.public !== 'boolean') throw badRequest('public must be a boolean');
      metadata['public'] ??= String(command.public);
    }
    metadata['public'] ??= 'false';
    return this.dataSource.transaction(async (em) => {
      const project = await this.projects.create({ name, ownerId: user.id, metadata }, em);
      await this.outbox.append(em, projectCreated(audit, project));
      return project;
    });
  }
}
