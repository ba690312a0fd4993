import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * How many repositories a project holds: a read-only query on the registry's `repository`
 * table, so deleting a project can refuse while it has any without depending on the registry.
 */
@Injectable()
export class ProjectRepositoryCountQuery {
  constructor(private readonly dataSource: DataSource) {}

  async count(projectId: number): Promise<number> {
    const param = this.dataSource.driver.createParameter('projectId', 0);
    const rows = (await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM repository WHERE project_id = ${param}`,
      [projectId],
    )) as Array<{ n: number | string }>;
    return Number(rows[0]?.n ?? 0);
  }
}
