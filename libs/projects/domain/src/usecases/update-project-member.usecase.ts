import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';

import { badRequest, notFound } from '@berth/api/domain';
import { actorOf, UserRepository, type Principal } from '@berth/identity/domain';
import { OutboxWriter } from '@berth/platform/messaging';
import { ProjectAuthorizer, type ProjectRef } from '../project-authorizer';
import { memberUpdated } from '../project-events';
import { ProjectMemberRepository } from '../project-member.repository';
import { isProjectRoleId } from '../project-role';
import { viewMember } from './project-member-view';

@Injectable()
export class UpdateProjectMemberUseCase {
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
    memberId: number,
    body: { role_id?: unknown },
    audit: Actor = actorOf(actor),
  ): Promise<void> {
    const project = await this.authorizer.require(actor, ref, 'member:update');
    if (!isProjectRoleId(body.role_id)) throw badRequest('role_id must be 1, 2, 3, 4 or 5');
    const member = await this.members.findInProject(project.id, memberId);
    if (!member) throw notFound(`member ${memberId} not found in project ${project.name}`);
    const roleId = body.role_id;
    const { entityName } = await viewMember(this.users, member);
    await this.dataSource.transaction(async (em) => {
      await this.members.updateRole(project.id, memberId, roleId, em);
      await this.outbox.append(
        em,
        memberUpdated(audit, project, { ...member, roleId }, entityName),
      );
    });
  }
}
