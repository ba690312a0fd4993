import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

export class Outbox1764000000100 implements MigrationInterface {
  name = 'Outbox1764000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'outbox_event',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'seq', type: 'bigint' },
          { name: 'type', type: 'varchar', length: '128' },
          { name: 'payload', type: 'text' },
          { name: 'occurred_at', type: 'varchar', length: '40' },
          { name: 'published_at', type: 'varchar', length: '40', isNullable: true },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'last_error', type: 'text', isNullable: true },
        ],
        indices: [
          // Partial index: the relay only ever scans rows still to be published.
          {
            name: 'idx_outbox_event_unpublished',
            columnNames: ['seq'],
            where: 'published_at IS NULL',
          },
          { name: 'idx_outbox_event_published_at', columnNames: ['published_at'] },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('outbox_event');
  }
}
