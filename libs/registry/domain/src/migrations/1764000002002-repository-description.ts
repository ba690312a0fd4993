import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Harbor's repository description, set through the management API, and when it last changed. */
export class RepositoryDescription1764000002002 implements MigrationInterface {
  name = 'RepositoryDescription1764000002002';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('repository', [
      new TableColumn({ name: 'description', type: 'text', default: "''" }),
      new TableColumn({ name: 'updated_at', type: 'varchar', length: '32', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('repository', 'updated_at');
    await q.dropColumn('repository', 'description');
  }
}
