import { Injectable } from '@nestjs/common';
import type { Paging } from '@berth/api/domain';
import { UserRepository, type Principal } from '@berth/identity/domain';
import { ProjectAuthorizer, type ProjectRef } from '../project-authorizer';
import { ProjectMemberRepository } from '../project-member.repository';
import { viewMember, type ProjectMemberView } from './project-member-view';

@Injectable()
export class ListProjectMembersUseCase {
  constructor(
    private readonly authorizer: ProjectAuthorizer,
    private readonly members: ProjectMemberRepository,
    private readonly users: UserRepository,
  ) {}

  async execute(
    actor: Principal,
    ref: ProjectRef,
    paging: Paging,
    entityName?: string,
  ): Promise<{ members: ProjectMemberView[]; total: number }> {
    const project = await this.authorizer.require(actor, ref, 'member:read');
    const page = await this.members.list(project.id, paging, entityName);
    return {
      members: await Promise.all(page.members.map((m) => viewMember(this.users, m))),
      total: page.total,
    };
  }
}
