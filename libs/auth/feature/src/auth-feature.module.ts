import { Module } from '@nestjs/common';
import { EnsureAdminUseCase } from './ensure-admin.usecase';
import { EnsureSigningKeyUseCase } from './signing-keys/ensure-signing-key.usecase';
import { SigningKeyCache } from './signing-keys/signing-key.cache';
import { SigningKeyRepository } from './signing-keys/signing-key.repository';
import { AuthenticateAdminUseCase } from './token/authenticate-admin.usecase';
import { IssueRegistryTokenUseCase } from './token/issue-registry-token.usecase';
import { TokenController } from './token/token.controller';

/** Identity and the Docker token service: the admin account, signing keys, `/service/token`, JWKS. */
@Module({
  controllers: [TokenController],
  providers: [
    EnsureAdminUseCase,
    EnsureSigningKeyUseCase,
    SigningKeyRepository,
    SigningKeyCache,
    AuthenticateAdminUseCase,
    IssueRegistryTokenUseCase,
  ],
})
export class AuthFeatureModule {}
