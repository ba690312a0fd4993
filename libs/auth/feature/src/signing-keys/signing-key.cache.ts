import { Injectable } from '@nestjs/common';
import {
  exportPublicJwk,
  importSigningKey,
  type JwkSet,
  type SigningKey,
} from '@berth/platform/jwt';
import { SigningKeyRepository } from './signing-key.repository';

// Long enough to spare the database, short enough that a rotation by another replica shows up soon.
const RELOAD_AFTER_MS = 60_000;

interface LoadedKeys {
  active: SigningKey;
  jwks: JwkSet;
  loadedAt: number;
}

/** The signing keys from the database, parsed once and reloaded every minute. */
@Injectable()
export class SigningKeyCache {
  private loaded: LoadedKeys | undefined;

  constructor(private readonly repository: SigningKeyRepository) {}

  async activeKey(): Promise<SigningKey> {
    return (await this.load()).active;
  }

  async jwks(): Promise<JwkSet> {
    return (await this.load()).jwks;
  }

  private async load(): Promise<LoadedKeys> {
    if (this.loaded && Date.now() - this.loaded.loadedAt < RELOAD_AFTER_MS) return this.loaded;
    const rows = await this.repository.findAll();
    if (rows.length === 0) throw new Error('no token signing key in the database');
    const keys = rows.map((row) => importSigningKey(JSON.parse(row.privateJwk)));
    this.loaded = {
      active: keys[0],
      jwks: { keys: keys.map((k) => exportPublicJwk(k.publicKey)) },
      loadedAt: Date.now(),
    };
    return this.loaded;
  }
}
