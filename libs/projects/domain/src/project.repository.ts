import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProjectEntity } from './project.entity';

@Injectable()
export class ProjectRepository {
  constructor(private readonly dataSource: DataSource) {}

  findByName(name: string): Promise<ProjectEntity | null> {
    return this.dataSource.getRepository(ProjectEntity).findOneBy({ name });
  }
}
