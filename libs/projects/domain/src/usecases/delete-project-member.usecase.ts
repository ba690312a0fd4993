import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';

import { notFound } from '@berth/api/domain';
import { actorOf, UserRepository, type Principal } from '@berth/identity/domain';
import { OutboxWriter } from '@berth/platform/messaging';
import { ProjectAuthorizer, type ProjectRef } from '../project-authorizer';
import { memberRemoved } from '../project-events';
import { ProjectMemberRepository } from '../project-member.repository';
import { viewMember } from './project-member-view';

@Injectable()
export class DeleteProjectMemberUseCase {
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
    audit: Actor = actorOf(actor),
  ): Promise<void> {
    const project = await this.authorizer.require(actor, ref, 'member:delete');
    const member = await this.members.findInProject(project.id, memberId);
    if (!member) throw notFound(`member ${memberId} not found in project ${project.name}`);
    const { entityName } = await viewMember(this.users, member);
    await this.dataSource.transaction(async (em) => {
      await this.members.delete(project.id, memberId, em);
      await this.outbox.append(em, memberRemoved(audit, project, member, entityName));
    });
  }
}
