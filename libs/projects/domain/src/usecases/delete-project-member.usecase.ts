import { Injectable } from '@nestjs/common';
import { notFound } from '@berth/api/domain';
import type { Principal } from '@berth/identity/domain';
import { ProjectAuthorizer, type ProjectRef } from '../project-authorizer';
import { ProjectMemberRepository } from '../project-member.repository';

@Injectable()
export class DeleteProjectMemberUseCase {
  constructor(
    private readonly authorizer: ProjectAuthorizer,
    private readonly members: ProjectMemberRepository,
  ) {}

  async execute(actor: Principal, ref: ProjectRef, memberId: number): Promise<void> {
    const project = await this.authorizer.require(actor, ref, 'member:delete');
    if (!(await this.members.findInProject(project.id, memberId)))
      throw notFound(`member ${memberId} not found in project ${project.name}`);
    await this.members.delete(project.id, memberId);
  }
}
