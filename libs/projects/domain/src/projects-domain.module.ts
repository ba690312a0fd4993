import { Module } from '@nestjs/common';
import { IdentityDomainModule } from '@berth/identity/domain';
import type { DataSourceParts } from '@berth/platform/database';
import { Project1764000001000 } from './migrations/1764000001000-project';
import { ProjectTenancy1764000010000 } from './migrations/1764000010000-project-tenancy';
import { CveAllowlist1764000010100 } from './migrations/1764000010100-cve-allowlist';
import { CveAllowlistEntity } from './cve-allowlist.entity';
import { CveAllowlistRepository } from './cve-allowlist.repository';
import {
  GetProjectCveAllowlistUseCase,
  GetSystemCveAllowlistUseCase,
  SetProjectCveAllowlistUseCase,
  SetSystemCveAllowlistUseCase,
} from './cve-allowlist.usecases';
import { ProjectAccess } from './project-access';
import { ProjectAuthorizer } from './project-authorizer';
import { ProjectEntity } from './project.entity';
import { ProjectMemberEntity } from './project-member.entity';
import { ProjectMemberRepository } from './project-member.repository';
import { ProjectMetadataEntity } from './project-metadata.entity';
import { ProjectRegistryAccess } from './project-registry-access';
import { ProjectRepository } from './project.repository';
import { ProjectRepositoryCountQuery } from './project-repository-count.query';
import { AddProjectMemberUseCase } from './usecases/add-project-member.usecase';
import { CreateProjectUseCase } from './usecases/create-project.usecase';
import { DeleteProjectMemberUseCase } from './usecases/delete-project-member.usecase';
import { DeleteProjectUseCase } from './usecases/delete-project.usecase';
import { GetProjectMemberUseCase } from './usecases/get-project-member.usecase';
import { GetProjectSummaryUseCase } from './usecases/get-project-summary.usecase';
import { GetProjectUseCase } from './usecases/get-project.usecase';
import { ListProjectMembersUseCase } from './usecases/list-project-members.usecase';
import { ListProjectsUseCase } from './usecases/list-projects.usecase';
import { ProjectExistsUseCase } from './usecases/project-exists.usecase';
import {
  AddProjectMetadataUseCase,
  DeleteProjectMetadataUseCase,
  GetProjectMetadataUseCase,
  ListProjectMetadataUseCase,
  UpdateProjectMetadataUseCase,
} from './usecases/project-metadata.usecases';
import { UpdateProjectMemberUseCase } from './usecases/update-project-member.usecase';
import { UpdateProjectUseCase } from './usecases/update-project.usecase';

export const projectsDatabaseParts: DataSourceParts = {
  entities: [ProjectEntity, ProjectMetadataEntity, ProjectMemberEntity, CveAllowlistEntity],
  migrations: [Project1764000001000, ProjectTenancy1764000010000, CveAllowlist1764000010100],
};

const core = [ProjectRepository, ProjectMemberRepository, ProjectAccess, ProjectRegistryAccess];

/** Projects, their members and the access decision; what the registry and the token service need. */
@Module({ providers: core, exports: core })
export class ProjectsDomainModule {}

const useCases = [
  CreateProjectUseCase,
  GetProjectUseCase,
  ProjectExistsUseCase,
  ListProjectsUseCase,
  UpdateProjectUseCase,
  DeleteProjectUseCase,
  GetProjectSummaryUseCase,
  ListProjectMembersUseCase,
  GetProjectMemberUseCase,
  AddProjectMemberUseCase,
  UpdateProjectMemberUseCase,
  DeleteProjectMemberUseCase,
  ListProjectMetadataUseCase,
  GetProjectMetadataUseCase,
  AddProjectMetadataUseCase,
  UpdateProjectMetadataUseCase,
  DeleteProjectMetadataUseCase,
  GetSystemCveAllowlistUseCase,
  SetSystemCveAllowlistUseCase,
  GetProjectCveAllowlistUseCase,
  SetProjectCveAllowlistUseCase,
];

/**
 * The project management use cases behind `/api/v2.0/projects`. Needs `projectsDatabaseParts`
 * and `identityDatabaseParts`; counting repositories reads the registry's `repository` table.
 */
@Module({
  imports: [ProjectsDomainModule, IdentityDomainModule],
  providers: [ProjectAuthorizer, ProjectRepositoryCountQuery, CveAllowlistRepository, ...useCases],
  exports: [ProjectsDomainModule, ProjectRepositoryCountQuery, ...useCases],
})
export class ProjectUseCasesModule {}
