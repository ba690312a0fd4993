import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

const ts = (name: string) => ({ name, type: 'varchar', length: '32' });

/** Repositories, blobs and their links, manifests, tags and upload sessions. */
export class Registry1764000002000 implements MigrationInterface {
  name = 'Registry1764000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'repository',
        columns: [
          {
            name: 'repository_id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'name', type: 'varchar', length: '255', isUnique: true },
          { name: 'project_id', type: 'integer' },
          ts('created_at'),
        ],
        foreignKeys: [
          {
            columnNames: ['project_id'],
            referencedTableName: 'project',
            referencedColumnNames: ['project_id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'blob',
        columns: [
          { name: 'digest', type: 'varchar', length: '160', isPrimary: true },
          { name: 'size', type: 'bigint' },
          ts('created_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'repository_blob',
        columns: [
          { name: 'repository_id', type: 'integer', isPrimary: true },
          { name: 'digest', type: 'varchar', length: '160', isPrimary: true },
          ts('created_at'),
        ],
        foreignKeys: [
          {
            columnNames: ['repository_id'],
            referencedTableName: 'repository',
            referencedColumnNames: ['repository_id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['digest'],
            referencedTableName: 'blob',
            referencedColumnNames: ['digest'],
          },
        ],
        // Lookups by digest alone: blob deletion and garbage collection.
        indices: [{ name: 'idx_repository_blob_digest', columnNames: ['digest'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'manifest',
        columns: [
          {
            name: 'manifest_id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'repository_id', type: 'integer' },
          { name: 'digest', type: 'varchar', length: '160' },
          { name: 'media_type', type: 'varchar', length: '255' },
          { name: 'artifact_type', type: 'varchar', length: '255', isNullable: true },
          { name: 'subject_digest', type: 'varchar', length: '160', isNullable: true },
          { name: 'annotations', type: 'text', isNullable: true },
          { name: 'size', type: 'bigint' },
          { name: 'content', type: 'text' },
          ts('created_at'),
        ],
        uniques: [
          { name: 'uq_manifest_repository_digest', columnNames: ['repository_id', 'digest'] },
        ],
        indices: [
          { name: 'idx_manifest_subject', columnNames: ['repository_id', 'subject_digest'] },
        ],
        foreignKeys: [
          {
            columnNames: ['repository_id'],
            referencedTableName: 'repository',
            referencedColumnNames: ['repository_id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'tag',
        columns: [
          { name: 'repository_id', type: 'integer', isPrimary: true },
          { name: 'name', type: 'varchar', length: '128', isPrimary: true },
          { name: 'manifest_id', type: 'integer' },
          ts('updated_at'),
        ],
        indices: [{ name: 'idx_tag_manifest', columnNames: ['manifest_id'] }],
        foreignKeys: [
          {
            columnNames: ['repository_id'],
            referencedTableName: 'repository',
            referencedColumnNames: ['repository_id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['manifest_id'],
            referencedTableName: 'manifest',
            referencedColumnNames: ['manifest_id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'upload_session',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'repository_id', type: 'integer' },
          { name: 'received_bytes', type: 'bigint' },
          { name: 'chunk_count', type: 'integer' },
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [{ name: 'idx_upload_session_updated_at', columnNames: ['updated_at'] }],
        foreignKeys: [
          {
            columnNames: ['repository_id'],
            referencedTableName: 'repository',
            referencedColumnNames: ['repository_id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'upload_session',
      'tag',
      'manifest',
      'repository_blob',
      'blob',
      'repository',
    ])
      await q.dropTable(table);
  }
}
