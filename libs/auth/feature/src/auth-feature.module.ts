import { Module } from '@nestjs/common';
import { IdentityDomainModule } from '@berth/identity/domain';
import { EnsureAdminUseCase } from './ensure-admin.usecase';
import { LoginController } from './login/login.controller';
import { UserPasswordController } from './login/user-password.controller';
import { EnsureSigningKeyUseCase } from './signing-keys/ensure-signing-key.usecase';
import { SigningKeyCache } from './signing-keys/signing-key.cache';
import { SigningKeyRepository } from './signing-keys/signing-key.repository';
import { IssueRegistryTokenUseCase } from './token/issue-registry-token.usecase';
import { TokenController } from './token/token.controller';

/**
 * Identity and the Docker token service: the admin account, signing keys, `/service/token`,
 * JWKS, portal login (`/c/login`, `/c/log_out`) and changing one's own password.
 * Needs `authDatabaseParts` and `identityDatabaseParts`.
 */
@Module({
  imports: [IdentityDomainModule],
  controllers: [TokenController, LoginController, UserPasswordController],
  providers: [
    EnsureAdminUseCase,
    EnsureSigningKeyUseCase,
    SigningKeyRepository,
    SigningKeyCache,
    IssueRegistryTokenUseCase,
  ],
})
export class AuthFeatureModule {}
