import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Multi-tenancy: projects get an owner and a soft-delete flag, their settings move to the
 * `project_metadata` key/value table (Harbor's), and `project_member` holds users' roles.
 * `library` stays private, owned by admin (user 1), who becomes its project admin.
 */
export class ProjectTenancy1764000010000 implements MigrationInterface {
  name = 'ProjectTenancy1764000010000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('project', [
      new TableColumn({ name: 'owner_id', type: 'integer', default: 1 }),
      new TableColumn({ name: 'deleted', type: 'boolean', default: false }),
    ]);
    await q.createTable(
      new Table({
        name: 'project_metadata',
        columns: [
          { name: 'project_id', type: 'integer', isPrimary: true },
          { name: 'name', type: 'varchar', length: '255', isPrimary: true },
          { name: 'value', type: 'varchar', length: '255' },
          { name: 'creation_time', type: 'varchar', length: '32' },
          { name: 'update_time', type: 'varchar', length: '32' },
        ],
        foreignKeys: [
          {
            columnNames: ['project_id'],
            referencedTableName: 'project',
            referencedColumnNames: ['project_id'],
          },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'project_member',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'project_id', type: 'integer' },
          { name: 'entity_id', type: 'integer' },
          { name: 'entity_type', type: 'varchar', length: '1', default: "'u'" },
          { name: 'role_id', type: 'integer' },
          { name: 'creation_time', type: 'varchar', length: '32' },
          { name: 'update_time', type: 'varchar', length: '32' },
        ],
        foreignKeys: [
          {
            columnNames: ['project_id'],
            referencedTableName: 'project',
            referencedColumnNames: ['project_id'],
          },
        ],
      }),
    );
    await q.createIndex(
      'project_member',
      new TableIndex({
        name: 'UQ_project_member_entity',
        columnNames: ['project_id', 'entity_id', 'entity_type'],
        isUnique: true,
      }),
    );
    await q.createIndex(
      'project_member',
      new TableIndex({ name: 'IDX_project_member_entity_id', columnNames: ['entity_id'] }),
    );

    const now = new Date().toISOString();
    const param = (i: number): string => q.connection.driver.createParameter(`p${i}`, i);
    // Each project's `public` flag becomes its `public` metadata; the owner its project admin.
    const projects = (await q.query('SELECT project_id, public, owner_id FROM project')) as Array<{
      project_id: number;
      public: boolean | number;
      owner_id: number;
    }>;
    for (const p of projects) {
      await q.query(
        `INSERT INTO project_metadata (project_id, name, value, creation_time, update_time) VALUES (${param(0)}, 'public', ${param(1)}, ${param(2)}, ${param(3)})`,
        [p.project_id, p.public === true || p.public === 1 ? 'true' : 'false', now, now],
      );
      await q.query(
        `INSERT INTO project_member (project_id, entity_id, entity_type, role_id, creation_time, update_time) VALUES (${param(0)}, ${param(1)}, 'u', 1, ${param(2)}, ${param(3)})`,
        [p.project_id, p.owner_id, now, now],
      );
    }
    await q.dropColumn('project', 'public');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'project',
      new TableColumn({ name: 'public', type: 'boolean', default: false }),
    );
    await q.query(
      `UPDATE project SET public = true WHERE project_id IN (SELECT project_id FROM project_metadata WHERE name = 'public' AND value = 'true')`,
    );
    await q.dropTable('project_member');
    await q.dropTable('project_metadata');
    await q.dropColumns('project', ['owner_id', 'deleted']);
  }
}
