import { Table, TableIndex, TableUnique, type MigrationInterface, type QueryRunner } from 'typeorm';
import { BUILTIN_REGISTRATION_UUID, BUILTIN_SCANNER } from '../scanner-registration.entity';

const time = (name: string, nullable = false) => ({
  name,
  type: 'varchar',
  length: '32',
  isNullable: nullable,
});

/** Scanner registrations (the built-in scanner seeded as the default) and scan reports. */
export class Scanning1764000030000 implements MigrationInterface {
  name = 'Scanning1764000030000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'scanner_registration',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'uuid', type: 'varchar', length: '36', isUnique: true },
          { name: 'name', type: 'varchar', length: '128', isUnique: true },
          { name: 'description', type: 'varchar', length: '1024', default: "''" },
          { name: 'url', type: 'varchar', length: '512' },
          { name: 'is_default', type: 'boolean', default: false },
          { name: 'disabled', type: 'boolean', default: false },
          { name: 'auth', type: 'varchar', length: '32', default: "''" },
          { name: 'access_credential', type: 'varchar', length: '512', default: "''" },
          { name: 'skip_cert_verify', type: 'boolean', default: false },
          { name: 'use_internal_addr', type: 'boolean', default: false },
          { name: 'immutable', type: 'boolean', default: false },
          time('create_time'),
          time('update_time'),
        ],
      }),
    );
    const now = new Date().toISOString();
    const pg = q.connection.options.type === 'postgres';
    const marks = Array.from({ length: 8 }, (_, i) => (pg ? `$${i + 1}` : '?'));
    await q.query(
      `INSERT INTO "scanner_registration" ("uuid", "name", "description", "url", "is_default", "immutable", "create_time", "update_time") VALUES (${marks.join(', ')})`,
      [
        BUILTIN_REGISTRATION_UUID,
        BUILTIN_SCANNER.name,
        'The scanner built into Berth: package inventories and OSV vulnerability matching.',
        'builtin:',
        true,
        true,
        now,
        now,
      ],
    );
    await q.createTable(
      new Table({
        name: 'scan_report',
        columns: [
          { name: 'report_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'digest', type: 'varchar', length: '160' },
          { name: 'registration_uuid', type: 'varchar', length: '36' },
          { name: 'mime_type', type: 'varchar', length: '128' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'severity', type: 'varchar', length: '16' },
          { name: 'findings', type: 'text' },
          { name: 'summary', type: 'text' },
          { name: 'report', type: 'text' },
          { name: 'log', type: 'text' },
          time('start_time', true),
          time('end_time', true),
          { name: 'repository', type: 'varchar', length: '255' },
          { name: 'requested_by', type: 'varchar', length: '255' },
          time('requested_at'),
          { name: 'scan_all_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'claim', type: 'varchar', length: '36', isNullable: true },
          { name: 'lease_until', type: 'bigint', default: 0 },
        ],
        uniques: [
          new TableUnique({
            name: 'UQ_scan_report_artifact',
            columnNames: ['digest', 'registration_uuid', 'mime_type'],
          }),
        ],
      }),
    );
    // The scanners' claim: due scans in request order.
    await q.createIndex(
      'scan_report',
      new TableIndex({ name: 'IDX_scan_report_due', columnNames: ['status', 'requested_at'] }),
    );
    await q.createIndex(
      'scan_report',
      new TableIndex({ name: 'IDX_scan_report_scan_all', columnNames: ['scan_all_id'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('scan_report');
    await q.dropTable('scanner_registration');
  }
}
