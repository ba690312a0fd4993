import {
  Table,
  TableForeignKey,
  TableIndex,
  TableUnique,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm';

const id = {
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment' as const,
};
const time = (name: string, nullable = false) => ({
  name,
  type: 'varchar',
  length: '32',
  isNullable: nullable,
});

/** Webhook policies and their deliveries, the audit log, its forwarding queue and purge runs. */
export class Notifications1764000020000 implements MigrationInterface {
  name = 'Notifications1764000020000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'webhook_policy',
        columns: [
          id,
          { name: 'project_id', type: 'integer' },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'description', type: 'varchar', length: '1024', default: "''" },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'event_types', type: 'text' },
          { name: 'targets', type: 'text' },
          { name: 'creator', type: 'varchar', length: '255' },
          time('creation_time'),
          time('update_time'),
        ],
        uniques: [
          new TableUnique({ name: 'UQ_webhook_policy_name', columnNames: ['project_id', 'name'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['project_id'],
            referencedTableName: 'project',
            referencedColumnNames: ['project_id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'webhook_job',
        columns: [
          id,
          { name: 'policy_id', type: 'integer' },
          { name: 'project_id', type: 'integer' },
          { name: 'event_id', type: 'varchar', length: '36' },
          { name: 'target_index', type: 'integer' },
          { name: 'event_type', type: 'varchar', length: '32' },
          { name: 'vendor_type', type: 'varchar', length: '16' },
          { name: 'address', type: 'varchar', length: '2048' },
          { name: 'content_type', type: 'varchar', length: '64' },
          { name: 'payload', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'status_message', type: 'varchar', length: '1024', default: "''" },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'next_attempt_at', type: 'bigint' },
          { name: 'lease_until', type: 'bigint', default: 0 },
          { name: 'claim', type: 'varchar', length: '36', isNullable: true },
          time('creation_time'),
          time('start_time', true),
          time('end_time', true),
          time('update_time'),
        ],
        uniques: [
          new TableUnique({
            name: 'UQ_webhook_job_delivery',
            columnNames: ['policy_id', 'event_id', 'target_index'],
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['policy_id'],
            referencedTableName: 'webhook_policy',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    // The dispatcher's scan: due jobs in order.
    await q.createIndex(
      'webhook_job',
      new TableIndex({ name: 'IDX_webhook_job_due', columnNames: ['status', 'next_attempt_at'] }),
    );
    await q.createIndex(
      'webhook_job',
      new TableIndex({ name: 'IDX_webhook_job_claim', columnNames: ['claim'] }),
    );
    await q.createTable(
      new Table({
        name: 'webhook_attempt',
        columns: [
          id,
          { name: 'job_id', type: 'integer' },
          { name: 'attempt', type: 'integer' },
          time('started_at'),
          { name: 'duration_ms', type: 'integer' },
          { name: 'status_code', type: 'integer', isNullable: true },
          { name: 'ok', type: 'boolean' },
          { name: 'error', type: 'varchar', length: '1024', default: "''" },
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['job_id'],
            referencedTableName: 'webhook_job',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await q.createIndex(
      'webhook_attempt',
      new TableIndex({ name: 'IDX_webhook_attempt_job', columnNames: ['job_id'] }),
    );
    await q.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          id,
          { name: 'event_id', type: 'varchar', length: '36', isUnique: true },
          // No foreign key: a project's audit trail outlives the project.
          { name: 'project_id', type: 'integer', isNullable: true },
          { name: 'username', type: 'varchar', length: '255' },
          { name: 'resource', type: 'varchar', length: '1024' },
          { name: 'resource_type', type: 'varchar', length: '32' },
          { name: 'operation', type: 'varchar', length: '16' },
          { name: 'operation_result', type: 'boolean' },
          { name: 'description', type: 'varchar', length: '1024', default: "''" },
          { name: 'source_address', type: 'varchar', length: '64', isNullable: true },
          time('op_time'),
        ],
      }),
    );
    await q.createIndex(
      'audit_log',
      new TableIndex({ name: 'IDX_audit_log_op_time', columnNames: ['op_time'] }),
    );
    await q.createIndex(
      'audit_log',
      new TableIndex({ name: 'IDX_audit_log_project', columnNames: ['project_id', 'op_time'] }),
    );
    await q.createTable(
      new Table({
        name: 'audit_forward',
        columns: [
          id,
          { name: 'event_id', type: 'varchar', length: '36', isUnique: true },
          { name: 'record', type: 'text' },
          time('created_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_purge_execution',
        columns: [
          id,
          { name: 'trigger', type: 'varchar', length: '16' },
          { name: 'slot', type: 'varchar', length: '32', isNullable: true, isUnique: true },
          { name: 'dry_run', type: 'boolean' },
          { name: 'retention_hours', type: 'integer' },
          { name: 'include_operations', type: 'varchar', length: '255' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'purged', type: 'integer', default: 0 },
          { name: 'log', type: 'text', default: "''" },
          time('start_time'),
          time('end_time', true),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'audit_purge_execution',
      'audit_forward',
      'audit_log',
      'webhook_attempt',
      'webhook_job',
      'webhook_policy',
    ])
      await q.dropTable(table);
  }
}
