import { Injectable } from '@nestjs/common';
import type { ListQuery, Paging } from '@berth/api/domain';
import { UserRepository, type Principal } from '@berth/identity/domain';
import { ProjectRepository, type Project } from '../project.repository';

export interface ListProjectsCommand {
  name?: string;
  public?: boolean;
  /** Owner's username. */
  owner?: string;
  query: ListQuery;
  paging: Paging;
}

/** Projects the caller may see: all for a system admin, else public ones and those they are a member of. */
@Injectable()
export class ListProjectsUseCase {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly users: UserRepository,
  ) {}

  async execute(
    actor: Principal,
    command: ListProjectsCommand,
  ): Promise<{ projects: Project[]; total: number }> {
    let ownerId: number | undefined;
    if (command.owner !== undefined) {
      const owner = await this.users.findByUsername(command.owner);
      if (!owner) return { projects: [], total: 0 };
      ownerId = owner.id;
    }
    // Robots are members of nothing: like anonymous callers they list public projects only.
    const visibleTo =
      actor.kind !== 'user' ? {} : actor.sysadmin ? undefined : { userId: actor.id };
    return this.projects.list({
      name: command.name,
      public: command.public,
      ownerId,
      visibleTo,
      query: command.query,
      paging: command.paging,
    });
  }
}
