import { Module } from '@nestjs/common';
import type { DataSourceParts } from '@berth/platform/database';
import { Project1764000001000 } from './migrations/1764000001000-project';
import { ProjectEntity } from './project.entity';
import { ProjectRepository } from './project.repository';

export const projectsDatabaseParts: DataSourceParts = {
  entities: [ProjectEntity],
  migrations: [Project1764000001000],
};

@Module({ providers: [ProjectRepository], exports: [ProjectRepository] })
export class ProjectsDomainModule {}
