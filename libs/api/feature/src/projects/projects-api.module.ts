import { Module } from '@nestjs/common';
import { IdentityDomainModule } from '@berth/identity/domain';
import { ProjectUseCasesModule } from '@berth/projects/domain';
import { ProjectMembersController } from './project-members.controller';
import { ProjectMetadatasController } from './project-metadatas.controller';
import { ProjectsController } from './projects.controller';

/**
 * Harbor's projects, members and metadata endpoints. The app needs `identityDatabaseParts`
 * and `projectsDatabaseParts`; repository counts read the registry's `repository` table.
 */
@Module({
  imports: [IdentityDomainModule, ProjectUseCasesModule],
  controllers: [ProjectsController, ProjectMembersController, ProjectMetadatasController],
})
export class ProjectsApiModule {}
