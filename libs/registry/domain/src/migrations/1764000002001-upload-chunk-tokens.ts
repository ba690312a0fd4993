import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** One random token per stored chunk, so replicas racing for the same offset never share a key. */
export class UploadChunkTokens1764000002001 implements MigrationInterface {
  name = 'UploadChunkTokens1764000002001';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'upload_session',
      new TableColumn({ name: 'chunk_tokens', type: 'text', default: "''" }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('upload_session', 'chunk_tokens');
  }
}
