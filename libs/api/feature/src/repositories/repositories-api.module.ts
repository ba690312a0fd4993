import { Module } from '@nestjs/common';
import { ArtifactsDomainModule } from '@berth/artifacts/domain';
import { IdentityDomainModule } from '@berth/identity/domain';
import { ProjectUseCasesModule } from '@berth/projects/domain';
import { ScanningDomainModule } from '@berth/scanning/domain';
import { ArtifactPullsConsumer } from './artifact-pulls.consumer';
import { RepositoriesController } from './repositories.controller';
import { RepositoryScope } from './repository-scope';
import { SearchController } from './search.controller';

/**
 * Harbor's repositories, artifacts, tags and search. Reads and writes the registry's tables
 * (the app must migrate `registryDatabaseParts`; without them these routes have nothing to find),
 * and the pull statistics it shows, from `artifact.pulled` events.
 */
@Module({
  imports: [
    IdentityDomainModule,
    ProjectUseCasesModule,
    ArtifactsDomainModule,
    ScanningDomainModule,
  ],
  controllers: [RepositoriesController, SearchController, ArtifactPullsConsumer],
  providers: [RepositoryScope],
})
export class RepositoriesApiModule {}
