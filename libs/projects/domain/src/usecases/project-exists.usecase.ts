import { Injectable } from '@nestjs/common';
import { notFound } from '@berth/api/domain';
import type { Principal } from '@berth/identity/domain';
import { requireUser } from '../project-authorizer';
import { ProjectRepository } from '../project.repository';

/** HEAD /projects?project_name=: whether the name is taken, for signed-in users (404 when free). */
@Injectable()
export class ProjectExistsUseCase {
  constructor(private readonly projects: ProjectRepository) {}

  async execute(actor: Principal, name: string): Promise<void> {
    requireUser(actor);
    if (!(await this.projects.findByName(name)))
      throw notFound(`project ${name.slice(0, 255)} not found`);
  }
}
