import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const ADMIN_PASSWORD_HASH_KEY = 'admin.password_hash';

/**
 * Local users and portal sessions. The `admin` account, until now a password hash in
 * `system_setting`, becomes user 1 with the system admin flag; its hash moves along.
 */
export class User1764000004000 implements MigrationInterface {
  name = 'User1764000004000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'user',
        columns: [
          {
            name: 'user_id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'username', type: 'varchar', length: '255', isUnique: true },
          { name: 'email', type: 'varchar', length: '255', isUnique: true, isNullable: true },
          { name: 'realname', type: 'varchar', length: '255', default: "''" },
          { name: 'comment', type: 'varchar', length: '255', default: "''" },
          { name: 'password_hash', type: 'varchar', length: '255', isNullable: true },
          { name: 'sysadmin_flag', type: 'boolean', default: false },
          { name: 'cli_secret_hash', type: 'varchar', length: '128', isNullable: true },
          { name: 'creation_time', type: 'varchar', length: '32' },
          { name: 'update_time', type: 'varchar', length: '32' },
          { name: 'deleted', type: 'boolean', default: false },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'user_session',
        columns: [
          { name: 'session_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'user_id', type: 'integer' },
          { name: 'creation_time', type: 'varchar', length: '32' },
          { name: 'expires_at', type: 'varchar', length: '32' },
        ],
        foreignKeys: [
          {
            columnNames: ['user_id'],
            referencedTableName: 'user',
            referencedColumnNames: ['user_id'],
          },
        ],
      }),
    );
    await q.createIndex(
      'user_session',
      new TableIndex({ name: 'IDX_user_session_user_id', columnNames: ['user_id'] }),
    );

    // Raw SQL, quoting `user` (reserved in PostgreSQL); placeholders from the driver ($n or ?).
    const param = (i: number): string => q.connection.driver.createParameter(`p${i}`, i);
    const rows = (await q.query(`SELECT value FROM system_setting WHERE key = ${param(0)}`, [
      ADMIN_PASSWORD_HASH_KEY,
    ])) as Array<{ value: string }>;
    const now = new Date().toISOString();
    await q.query(
      `INSERT INTO "user" (user_id, username, realname, comment, password_hash, sysadmin_flag, creation_time, update_time, deleted)
       VALUES (1, 'admin', 'system admin', 'admin user', ${param(0)}, ${param(1)}, ${param(2)}, ${param(3)}, ${param(4)})`,
      [rows[0]?.value ?? null, true, now, now, false],
    );
    if (q.connection.options.type === 'postgres') {
      // An explicit id does not advance the sequence; the next user must get 2.
      await q.query(
        `SELECT setval(pg_get_serial_sequence('"user"', 'user_id'), (SELECT MAX(user_id) FROM "user"))`,
      );
    }
    await q.query(`DELETE FROM system_setting WHERE key = ${param(0)}`, [ADMIN_PASSWORD_HASH_KEY]);
  }

  async down(q: QueryRunner): Promise<void> {
    const param = (i: number): string => q.connection.driver.createParameter(`p${i}`, i);
    const rows = (await q.query(
      'SELECT password_hash FROM "user" WHERE user_id = 1 AND password_hash IS NOT NULL',
    )) as Array<{ password_hash: string }>;
    if (rows[0]) {
      await q.query(
        `INSERT INTO system_setting (key, value, updated_at) VALUES (${param(0)}, ${param(1)}, ${param(2)})`,
        [ADMIN_PASSWORD_HASH_KEY, rows[0].password_hash, new Date().toISOString()],
      );
    }
    await q.dropTable('user_session');
    await q.dropTable('user');
  }
}
