import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The uuid of the built-in scanner's registration, seeded by the migration. */
export const BUILTIN_REGISTRATION_UUID = '6f1c2b8e-3d4a-4e5f-9a0b-7c8d9e0f1a2b';
export const BUILTIN_SCANNER = { name: 'Berth', vendor: 'Berth' } as const;

/**
 * A scanner Berth may drive (Harbor's scanner registration): the built-in one, seeded and
 * default, and later external ones through the Pluggable Scanner API. Reports are keyed by its uuid.
 */
@Entity('scanner_registration')
export class ScannerRegistrationEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 36 })
  uuid!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 1024, default: '' })
  description!: string;

  /** The adapter's base URL; `builtin:` for the scanner inside Berth. */
  @Column({ type: 'varchar', length: 512 })
  url!: string;

  @Column({ name: 'is_default', type: 'boolean', default: false })
  isDefault!: boolean;

  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  /** Harbor's `auth`: '', `Basic`, `Bearer` or `X-ScannerAdapter-API-Key`. */
  @Column({ type: 'varchar', length: 32, default: '' })
  auth!: string;

  @Column({ name: 'access_credential', type: 'varchar', length: 512, default: '' })
  accessCredential!: string;

  @Column({ name: 'skip_cert_verify', type: 'boolean', default: false })
  skipCertVerify!: boolean;

  @Column({ name: 'use_internal_addr', type: 'boolean', default: false })
  useInternalAddr!: boolean;

  /** The built-in registration cannot be changed or removed. */
  @Column({ type: 'boolean', default: false })
  immutable!: boolean;

  @Column({ name: 'create_time', type: 'varchar', length: 32 })
  createTime!: string;

  @Column({ name: 'update_time', type: 'varchar', length: 32 })
  updateTime!: string;
}
