import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Refresh tokens for the OAuth2 form of the token service, and the time each signing key
 * starts signing (a rotated key is published first and signs only later). Existing keys have
 * signed since they were created.
 */
export class AuthRefreshToken1764000020000 implements MigrationInterface {
  name = 'AuthRefreshToken1764000020000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'auth_refresh_token',
        columns: [
          { name: 'selector', type: 'varchar', length: '32', isPrimary: true },
          { name: 'verifier_hash', type: 'varchar', length: '64' },
          { name: 'user_id', type: 'integer', isNullable: true },
          { name: 'robot_id', type: 'integer', isNullable: true },
          { name: 'client_id', type: 'varchar', length: '255' },
          { name: 'credential_stamp', type: 'varchar', length: '64' },
          { name: 'created_at', type: 'varchar', length: '32' },
          { name: 'expires_at', type: 'varchar', length: '32' },
        ],
      }),
    );
    await q.createIndex(
      'auth_refresh_token',
      new TableIndex({ name: 'IDX_auth_refresh_token_expires_at', columnNames: ['expires_at'] }),
    );
    await q.addColumn(
      'auth_signing_key',
      new TableColumn({ name: 'activates_at', type: 'varchar', length: '32', isNullable: true }),
    );
    await q.query('UPDATE auth_signing_key SET activates_at = created_at');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('auth_signing_key', 'activates_at');
    await q.dropTable('auth_refresh_token');
  }
}
