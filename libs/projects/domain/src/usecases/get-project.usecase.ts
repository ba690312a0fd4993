import { Injectable } from '@nestjs/common';
import type { Principal } from '@berth/identity/domain';
import { ProjectAuthorizer, type ProjectRef } from '../project-authorizer';
import type { Project } from '../project.repository';

@Injectable()
export class GetProjectUseCase {
  constructor(private readonly authorizer: ProjectAuthorizer) {}

  execute(actor: Principal, ref: ProjectRef): Promise<Project> {
    return this.authorizer.require(actor, ref, 'project:read');
  }
}
