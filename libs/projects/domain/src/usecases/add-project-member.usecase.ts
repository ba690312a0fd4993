import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';

import { badRequest, notFound } from '@berth/api/domain';
import { actorOf, UserRepository, type Principal } from '@berth/identity/domain';
import { OutboxWriter } from '@berth/platform/messaging';
import { ProjectAuthorizer, type ProjectRef } from '../project-authorizer';
import { memberAdded } from '../project-events';
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
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(
    actor: Principal,
    ref: ProjectRef,
    command: AddProjectMemberCommand,
    audit: Actor = actorOf(actor),
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
    const roleId = command.role_id;
    return this.dataSource.transaction(async (em) => {
      const member = await this.members.add(project.id, user.id, roleId, em);
      await this.outbox.append(em, memberAdded(audit, project, member, user.username));
      return member;
    });
  }
}
