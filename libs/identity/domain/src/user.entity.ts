import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A local user account (Harbor's `harbor_user`). Deleted users keep their row, renamed `name#id`. */
@Entity('user')
export class UserEntity {
  @PrimaryGeneratedColumn({ name: 'user_id' })
  id!: number;

  @Column({ type: 'varchar', length: 255, unique: true })
  username!: string;

  @Column({ type: 'varchar', length: 255, unique: true, nullable: true })
  email!: string | null;

  @Column({ type: 'varchar', length: 255, default: '' })
  realname!: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  comment!: string;

  /** `scrypt$…` (see password-hash.ts); null until the admin's first password is set. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true })
  passwordHash!: string | null;

  @Column({ name: 'sysadmin_flag', type: 'boolean', default: false })
  sysadmin!: boolean;

  /** SHA-256 of the CLI secret; the secret itself is shown once. */
  @Column({ name: 'cli_secret_hash', type: 'varchar', length: 128, nullable: true })
  cliSecretHash!: string | null;

  @Column({ name: 'creation_time', type: 'varchar', length: 32 })
  creationTime!: string;

  @Column({ name: 'update_time', type: 'varchar', length: 32 })
  updateTime!: string;

  @Column({ type: 'boolean', default: false })
  deleted!: boolean;
}
