import { Module } from '@nestjs/common';
import type { DataSourceParts } from '@berth/platform/database';
import { ProjectsDomainModule } from '@berth/projects/domain';
import { VulnerabilityGate, VulnerabilityGateModule } from '@berth/scanning/domain';
import { MANIFEST_PULL_POLICY } from './access/manifest-pull-policy.port';
import { BlobEntity } from './entities/blob.entity';
import { ManifestEntity } from './entities/manifest.entity';
import { RepositoryBlobEntity } from './entities/repository-blob.entity';
import { RepositoryEntity } from './entities/repository.entity';
import { TagEntity } from './entities/tag.entity';
import { UploadSessionEntity } from './entities/upload-session.entity';
import { Registry1764000002000 } from './migrations/1764000002000-registry';
import { UploadChunkTokens1764000002001 } from './migrations/1764000002001-upload-chunk-tokens';
import { RepositoryDescription1764000002002 } from './migrations/1764000002002-repository-description';
import { PullStatistics1764000002003 } from './migrations/1764000002003-pull-statistics';
import { BlobRepository } from './repositories/blob.repository';
import { ManifestRepository } from './repositories/manifest.repository';
import { RepositoryRepository } from './repositories/repository.repository';
import { TagRepository } from './repositories/tag.repository';
import { UploadSessionRepository } from './repositories/upload-session.repository';
import { RepositoryResolver } from './repository-resolver';
import { BlobIngest } from './uploads/blob-ingest';
import { UploadHashCache } from './uploads/upload-hash.cache';
import { UploadLock } from './uploads/upload-lock';
import { AppendUploadChunkUseCase } from './usecases/append-upload-chunk.usecase';
import { CancelUploadUseCase } from './usecases/cancel-upload.usecase';
import { CompleteUploadUseCase } from './usecases/complete-upload.usecase';
import { DeleteBlobUseCase } from './usecases/delete-blob.usecase';
import { DeleteManifestUseCase } from './usecases/delete-manifest.usecase';
import { GetBlobUseCase } from './usecases/get-blob.usecase';
import { GetManifestUseCase } from './usecases/get-manifest.usecase';
import { GetUploadStatusUseCase } from './usecases/get-upload-status.usecase';
import { ListCatalogUseCase } from './usecases/list-catalog.usecase';
import { ListReferrersUseCase } from './usecases/list-referrers.usecase';
import { ListTagsUseCase } from './usecases/list-tags.usecase';
import { PurgeExpiredUploadsUseCase } from './usecases/purge-expired-uploads.usecase';
import { PutManifestUseCase } from './usecases/put-manifest.usecase';
import { StartUploadUseCase } from './usecases/start-upload.usecase';
import { UploadSessionLookup } from './usecases/upload-session.lookup';

/** The registry's tables; apps add them (with projectsDatabaseParts) to their DatabaseModule. */
export const registryDatabaseParts: DataSourceParts = {
  entities: [
    RepositoryEntity,
    BlobEntity,
    RepositoryBlobEntity,
    ManifestEntity,
    TagEntity,
    UploadSessionEntity,
  ],
  migrations: [
    Registry1764000002000,
    UploadChunkTokens1764000002001,
    RepositoryDescription1764000002002,
    PullStatistics1764000002003,
  ],
};

const useCases = [
  StartUploadUseCase,
  AppendUploadChunkUseCase,
  CompleteUploadUseCase,
  GetUploadStatusUseCase,
  CancelUploadUseCase,
  PurgeExpiredUploadsUseCase,
  GetBlobUseCase,
  DeleteBlobUseCase,
  PutManifestUseCase,
  GetManifestUseCase,
  DeleteManifestUseCase,
  ListTagsUseCase,
  ListCatalogUseCase,
  ListReferrersUseCase,
];

/** Registry domain: repositories, blobs, manifests, tags and upload sessions. Needs DatabaseModule, StorageModule, MessagingModule. */
@Module({
  imports: [ProjectsDomainModule, VulnerabilityGateModule],
  providers: [
    { provide: MANIFEST_PULL_POLICY, useExisting: VulnerabilityGate },
    RepositoryRepository,
    BlobRepository,
    ManifestRepository,
    TagRepository,
    UploadSessionRepository,
    RepositoryResolver,
    UploadHashCache,
    UploadLock,
    BlobIngest,
    UploadSessionLookup,
    ...useCases,
  ],
  exports: useCases,
})
export class RegistryDomainModule {}
