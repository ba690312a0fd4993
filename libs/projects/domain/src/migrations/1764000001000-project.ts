import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Projects, with `library` present from the first start as in Harbor. */
export class Project1764000001000 implements MigrationInterface {
  name = 'Project1764000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'project',
        columns: [
          {
            name: 'project_id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'name', type: 'varchar', length: '255', isUnique: true },
          { name: 'public', type: 'boolean', default: false },
          { name: 'created_at', type: 'varchar', length: '32' },
          { name: 'updated_at', type: 'varchar', length: '32' },
        ],
      }),
    );
    const now = new Date().toISOString();
    // A literal insert: the same SQL runs on SQLite and PostgreSQL, and `now` is our own ISO string.
    await q.query(
      `INSERT INTO project (name, public, created_at, updated_at) VALUES ('library', false, '${now}', '${now}')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('project');
  }
}
