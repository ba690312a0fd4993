import { Injectable } from '@nestjs/common';
import { notFound } from '@berth/api/domain';
import { UserRepository, type Principal } from '@berth/identity/domain';
import { ProjectAuthorizer, type ProjectRef } from '../project-authorizer';
import { ProjectMemberRepository } from '../project-member.repository';
import { viewMember, type ProjectMemberView } from './project-member-view';

@Injectable()
export class GetProjectMemberUseCase {
  constructor(
    private readonly authorizer: ProjectAuthorizer,
    private readonly members: ProjectMemberRepository,
    private readonly users: UserRepository,
  ) {}

  async execute(actor: Principal, ref: ProjectRef, memberId: number): Promise<ProjectMemberView> {
    const project = await this.authorizer.require(actor, ref, 'member:read');
    const member = await this.members.findInProject(project.id, memberId);
    if (!member) throw notFound(`member ${memberId} not found in project ${project.name}`);
    return viewMember(this.users, member);
  }
}
