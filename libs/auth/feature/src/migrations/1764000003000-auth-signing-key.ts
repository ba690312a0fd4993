import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Token-signing keys, shared by all auth replicas. */
export class AuthSigningKey1764000003000 implements MigrationInterface {
  name = 'AuthSigningKey1764000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'auth_signing_key',
        columns: [
          { name: 'kid', type: 'varchar', length: '64', isPrimary: true },
          { name: 'generation', type: 'integer', isUnique: true },
          { name: 'algorithm', type: 'varchar', length: '16' },
          { name: 'private_jwk', type: 'text' },
          { name: 'created_at', type: 'varchar', length: '32' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('auth_signing_key');
  }
}
