import { Module } from '@nestjs/common';

/** Replication policies and proxy caches; handlers arrive with their issue. */
@Module({})
export class ReplicatorFeatureModule {}
