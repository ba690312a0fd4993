import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Harbor's repository `pull_count` and artifact `pull_time`, kept from `artifact.pulled` events. */
export class PullStatistics1764000002003 implements MigrationInterface {
  name = 'PullStatistics1764000002003';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'repository',
      new TableColumn({ name: 'pull_count', type: 'integer', default: 0 }),
    );
    await q.addColumn(
      'manifest',
      new TableColumn({ name: 'pull_time', type: 'varchar', length: '32', isNullable: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('manifest', 'pull_time');
    await q.dropColumn('repository', 'pull_count');
  }
}
