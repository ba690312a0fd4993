import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A token-signing key shared by every auth replica. The highest generation whose `activatesAt`
 * has passed signs; a key is published from its insertion until the tokens it signed expired.
 */
@Entity('auth_signing_key')
export class SigningKeyEntity {
  /** RFC 7638 thumbprint of the public key. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid!: string;

  /** 1 for the first key; a rotation inserts max + 1, so two replicas cannot both rotate. */
  @Column({ type: 'integer', unique: true })
  generation!: number;

  @Column({ type: 'varchar', length: 16 })
  algorithm!: string;

  /** The private key as a JWK (JSON). */
  @Column({ name: 'private_jwk', type: 'text' })
  privateJwk!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  /** When it starts signing (ISO time); null for keys from before rotation, which sign from creation. */
  @Column({ name: 'activates_at', type: 'varchar', length: 32, nullable: true })
  activatesAt!: string | null;
}
