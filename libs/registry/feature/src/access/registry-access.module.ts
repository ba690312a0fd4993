import { Module } from '@nestjs/common';
import { TOKEN_JWKS_PATH } from '@berth/contracts';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { JwksClient } from '@berth/platform/jwt';
import { REGISTRY_ACCESS } from '@berth/registry/domain';
import { TokenRegistryAccess } from './token-registry-access';

/** Provides REGISTRY_ACCESS: bearer tokens verified against the token service's JWKS. */
@Module({
  providers: [
    {
      provide: REGISTRY_ACCESS,
      inject: [BERTH_CONFIG],
      useFactory: (config: BerthConfig) =>
        new TokenRegistryAccess({
          realm: config.auth.realm,
          issuer: config.auth.issuer,
          keys: new JwksClient(`${config.auth.url}${TOKEN_JWKS_PATH}`).resolve,
        }),
    },
  ],
  exports: [REGISTRY_ACCESS],
})
export class RegistryAccessModule {}
