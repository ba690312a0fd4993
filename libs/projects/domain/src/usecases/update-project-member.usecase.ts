import { Injectable } from '@nestjs/common';
import { badRequest, notFound } from '@berth/api/domain';
import type { Principal } from '@berth/identity/domain';
import { ProjectAuthorizer, type ProjectRef } from '../project-authorizer';
import { ProjectMemberRepository } from '../project-member.repository';
import { isProjectRoleId } from '../project-role';

@Injectable()
export class UpdateProjectMemberUseCase {
  constructor(
    private readonly authorizer: ProjectAuthorizer,
    private readonly members: ProjectMemberRepository,
  ) {}

  async execute(
    actor: Principal,
    ref: ProjectRef,
    memberId: number,
    body: { role_id?: unknown },
  ): Promise<void> {
    const project = await this.authorizer.require(actor, ref, 'member:update');
    if (!isProjectRoleId(body.role_id)) throw badRequest('role_id must be 1, 2, 3, 4 or 5');
    if (!(await this.members.findInProject(project.id, memberId)))
      throw notFound(`member ${memberId} not found in project ${project.name}`);
    await this.members.updateRole(project.id, memberId, body.role_id);
  }
}
