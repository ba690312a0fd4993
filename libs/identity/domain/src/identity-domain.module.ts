import { Module } from '@nestjs/common';
import { TOKEN_JWKS_PATH } from '@berth/contracts';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { JwksClient } from '@berth/platform/jwt';
import { API_TOKEN_KEYS, ApiTokenAuthenticator } from './api-token-authenticator';
import { LoginAudit } from './audit';
import { AuthenticatedGuard } from './authenticated.guard';
import { LoginThrottle } from './login-throttle';
import { RequestAuthenticator } from './request-authenticator';
import { RobotRepository, TypeOrmRobotRepository } from './robots/robot.repository';
import { TypeOrmUserRepository, UserRepository } from './user.repository';
import { TypeOrmUserSessionRepository, UserSessionRepository } from './user-session.repository';
import { ChangeUserPasswordUseCase } from './usecases/change-user-password.usecase';
import { CreateUserUseCase } from './usecases/create-user.usecase';
import { DeleteUserUseCase } from './usecases/delete-user.usecase';
import { EndSessionUseCase } from './usecases/end-session.usecase';
import { GenerateCliSecretUseCase } from './usecases/generate-cli-secret.usecase';
import { GetUserUseCase } from './usecases/get-user.usecase';
import { ListUsersUseCase } from './usecases/list-users.usecase';
import { SearchUsersUseCase } from './usecases/search-users.usecase';
import { SetCliSecretUseCase } from './usecases/set-cli-secret.usecase';
import { SetUserSysadminUseCase } from './usecases/set-user-sysadmin.usecase';
import { StartSessionUseCase } from './usecases/start-session.usecase';
import { UpdateUserProfileUseCase } from './usecases/update-user-profile.usecase';
import { VerifyCredentialsUseCase } from './usecases/verify-credentials.usecase';
import { VerifiedCredentialCache } from './verified-credential.cache';

const services = [
  LoginThrottle,
  LoginAudit,
  ApiTokenAuthenticator,
  RequestAuthenticator,
  AuthenticatedGuard,
  CreateUserUseCase,
  GetUserUseCase,
  ListUsersUseCase,
  SearchUsersUseCase,
  UpdateUserProfileUseCase,
  ChangeUserPasswordUseCase,
  SetUserSysadminUseCase,
  DeleteUserUseCase,
  GenerateCliSecretUseCase,
  SetCliSecretUseCase,
  VerifyCredentialsUseCase,
  StartSessionUseCase,
  EndSessionUseCase,
];

/**
 * Local users, their sessions and credential checks. One instance per process (Nest shares a
 * static module), so the login throttle is shared by every feature that imports it.
 * Needs `identityDatabaseParts` in the app's database parts.
 */
@Module({
  providers: [
    { provide: UserRepository, useClass: TypeOrmUserRepository },
    { provide: UserSessionRepository, useClass: TypeOrmUserSessionRepository },
    { provide: RobotRepository, useClass: TypeOrmRobotRepository },
    // The default policies; its constructor parameters are for tests, not injection.
    { provide: LoginThrottle, useFactory: () => new LoginThrottle() },
    // One per process, shared by every feature; its constructor parameter is for tests.
    { provide: VerifiedCredentialCache, useFactory: () => new VerifiedCredentialCache() },
    // API bearer tokens are checked against the token service's JWKS, as the registry does.
    {
      provide: API_TOKEN_KEYS,
      inject: [BERTH_CONFIG],
      useFactory: (config: BerthConfig) =>
        new JwksClient(`${config.auth.url}${TOKEN_JWKS_PATH}`).resolve,
    },
    ...services.filter((s) => s !== LoginThrottle),
  ],
  exports: [UserRepository, UserSessionRepository, RobotRepository, ...services],
})
export class IdentityDomainModule {}
