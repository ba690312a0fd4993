import { Module } from '@nestjs/common';
import { IdentityDomainModule } from '@berth/identity/domain';
import { ProjectsDomainModule } from '@berth/projects/domain';
import { EnsureAdminUseCase } from './ensure-admin.usecase';
import { LoginController } from './login/login.controller';
import { IssueRefreshTokenUseCase } from './refresh-tokens/issue-refresh-token.usecase';
import { RedeemRefreshTokenUseCase } from './refresh-tokens/redeem-refresh-token.usecase';
import { RefreshTokenRepository } from './refresh-tokens/refresh-token.repository';
import { EnsureSigningKeyUseCase } from './signing-keys/ensure-signing-key.usecase';
import { RotateSigningKeyUseCase } from './signing-keys/rotate-signing-key.usecase';
import { SigningKeyCache } from './signing-keys/signing-key.cache';
import { SigningKeyRotationSchedule } from './signing-keys/signing-key-rotation.schedule';
import { SigningKeyRepository } from './signing-keys/signing-key.repository';
import { IssueApiTokenUseCase } from './token/issue-api-token.usecase';
import { IssueRegistryTokenUseCase } from './token/issue-registry-token.usecase';
import { TokenController } from './token/token.controller';

/**
 * Identity and the Docker token service: the admin account, signing keys, `/service/token`,
 * JWKS and portal login (`/c/login`, `/c/log_out`). The `/api/v2.0/users` routes live in the
 * api feature.
 * Needs `authDatabaseParts`, `identityDatabaseParts` and `projectsDatabaseParts` (grants follow project roles).
 */
@Module({
  imports: [IdentityDomainModule, ProjectsDomainModule],
  controllers: [TokenController, LoginController],
  providers: [
    EnsureAdminUseCase,
    EnsureSigningKeyUseCase,
    SigningKeyRepository,
    SigningKeyCache,
    RotateSigningKeyUseCase,
    SigningKeyRotationSchedule,
    IssueRegistryTokenUseCase,
    IssueApiTokenUseCase,
    RefreshTokenRepository,
    IssueRefreshTokenUseCase,
    RedeemRefreshTokenUseCase,
  ],
})
export class AuthFeatureModule {}
