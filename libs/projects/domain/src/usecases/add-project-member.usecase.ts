import { Injectable } from '@nestjs/common';
import { badRequest, notFound } from '@berth/api/domain';
import { UserRepository, type Principal } from '@berth/identity/domain';
import { ProjectAuthorizer, type ProjectRef } from '../project-authorizer';
import type { ProjectMemberEntity } from '../project-member.entity';
import { ProjectMemberRepository } from '../project-member.repository';
import { isProjectRoleId } from '../project-role';

/** Harbor's ProjectMember body: a role and the user, by name or by id. */
export interface AddProjectMemberCommand {
  role_id?: unknown;
  member_user?: unknown;
}

@Injectable()
export class AddProjectMemberUseCase {
  constructor(
    private readonly authorizer: ProjectAuthorizer,
    private readonly members: ProjectMemberRepository,
    private readonly users: UserRepository,
  ) {}

  async execute(
    actor: Principal,
    ref: ProjectRef,
    command: AddProjectMemberCommand,
  ): Promise<ProjectMemberEntity> {
    const project = await this.authorizer.require(actor, ref, 'member:create');
    if (!isProjectRoleId(command.role_id)) throw badRequest('role_id must be 1, 2, 3, 4 or 5');
    const spec = command.member_user;
    if (typeof spec !== 'object' || spec === null) throw badRequest('member_user is required');
    const { username, user_id: userId } = spec as { username?: unknown; user_id?: unknown };
    let user;
    if (typeof userId === 'number' && Number.isSafeInteger(userId) && userId > 0)
      user = await this.users.findById(userId);
    else if (typeof username === 'string' && username !== '')
      user = await this.users.findByUsername(username);
    else throw badRequest('member_user needs a username or a user_id');
    if (!user) throw notFound('user not found');
    return this.members.add(project.id, user.id, command.role_id);
  }
}
