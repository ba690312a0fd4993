import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

export class SystemSetting1764000000000 implements MigrationInterface {
  name = 'SystemSetting1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'system_setting',
        columns: [
          { name: 'key', type: 'varchar', length: '128', isPrimary: true },
          { name: 'value', type: 'text' },
          { name: 'updated_at', type: 'varchar', length: '32' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('system_setting');
  }
}
