import { Injectable } from '@nestjs/common';
import type { Principal } from '@berth/identity/domain';
import { ProjectAccess } from '../project-access';
import { ProjectAuthorizer, type ProjectRef } from '../project-authorizer';
import { ProjectMemberRepository } from '../project-member.repository';
import { ProjectRepositoryCountQuery } from '../project-repository-count.query';
import { PROJECT_ROLES } from '../project-role';

/** Harbor's ProjectSummary (member counts only for those who may read members). */
export interface ProjectSummary {
  repo_count: number;
  project_admin_count?: number;
  maintainer_count?: number;
  developer_count?: number;
  guest_count?: number;
  limited_guest_count?: number;
}

@Injectable()
export class GetProjectSummaryUseCase {
  constructor(
    private readonly authorizer: ProjectAuthorizer,
    private readonly access: ProjectAccess,
    private readonly members: ProjectMemberRepository,
    private readonly repositories: ProjectRepositoryCountQuery,
  ) {}

  async execute(actor: Principal, ref: ProjectRef): Promise<ProjectSummary> {
    const project = await this.authorizer.require(actor, ref, 'project:read');
    const summary: ProjectSummary = { repo_count: await this.repositories.count(project.id) };
    if (!(await this.access.can(actor, project, 'member:read'))) return summary;
    const counts = await this.members.countByRole(project.id);
    return {
      ...summary,
      project_admin_count: counts.get(PROJECT_ROLES.projectAdmin) ?? 0,
      maintainer_count: counts.get(PROJECT_ROLES.maintainer) ?? 0,
      developer_count: counts.get(PROJECT_ROLES.developer) ?? 0,
      guest_count: counts.get(PROJECT_ROLES.guest) ?? 0,
      limited_guest_count: counts.get(PROJECT_ROLES.limitedGuest) ?? 0,
    };
  }
}
