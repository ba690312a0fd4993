import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Robot accounts; their permissions are one JSON column (they are always read whole). */
export class Robot1764000011000 implements MigrationInterface {
  name = 'Robot1764000011000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'robot',
        columns: [
          {
            name: 'robot_id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'name', type: 'varchar', length: '255', isUnique: true },
          { name: 'description', type: 'varchar', length: '1024', default: "''" },
          { name: 'level', type: 'varchar', length: '16' },
          // No foreign key: the project table belongs to another part; grants check the id.
          { name: 'project_id', type: 'integer', isNullable: true },
          { name: 'secret_hash', type: 'varchar', length: '64' },
          { name: 'disabled', type: 'boolean', default: false },
          { name: 'duration', type: 'integer' },
          { name: 'expires_at', type: 'bigint' },
          { name: 'permissions', type: 'text' },
          { name: 'creator', type: 'varchar', length: '255' },
          { name: 'creation_time', type: 'varchar', length: '32' },
          { name: 'update_time', type: 'varchar', length: '32' },
        ],
      }),
    );
    await q.createIndex(
      'robot',
      new TableIndex({ name: 'IDX_robot_project_id', columnNames: ['project_id'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('robot');
  }
}
