import { Module } from '@nestjs/common';
import { ArtifactStore } from './artifact-store';

/** The registry's repositories, artifacts and tags as the management API sees them. Needs OutboxWriter (global). */
@Module({ providers: [ArtifactStore], exports: [ArtifactStore] })
export class ArtifactsDomainModule {}
