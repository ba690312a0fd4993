import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from './bigint.transformer';

/** A manifest of one repository, with its bytes exactly as pushed (valid UTF-8 JSON, so text is exact). */
@Entity('manifest')
export class ManifestEntity {
  @PrimaryGeneratedColumn({ name: 'manifest_id' })
  id!: number;

  @Column({ name: 'repository_id', type: 'integer' })
  repositoryId!: number;

  @Column({ type: 'varchar', length: 160 })
  digest!: string;

  @Column({ name: 'media_type', type: 'varchar', length: 255 })
  mediaType!: string;

  /** `artifactType`, or the config's media type: what the referrers API reports. */
  @Column({ name: 'artifact_type', type: 'varchar', length: 255, nullable: true })
  artifactType!: string | null;

  @Column({ name: 'subject_digest', type: 'varchar', length: 160, nullable: true })
  subjectDigest!: string | null;

  /** The manifest's annotations as JSON, for referrer descriptors. */
  @Column({ type: 'text', nullable: true })
  annotations!: string | null;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  size!: number;

  @Column({ type: 'text' })
  content!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  /** The latest pull, from `artifact.pulled` events (kept by the API; the registry never reads it). */
  @Column({ name: 'pull_time', type: 'varchar', length: 32, nullable: true })
  pullTime?: string | null;
}
