export * from './auth-feature.module';
export * from './auth-database.parts';
export * from './password-hash';
export * from './ensure-admin.usecase';
export * from './signing-keys/rotate-signing-key.usecase';
export * from './signing-keys/signing-key.cache';
export * from './signing-keys/signing-key.repository';
export * from './token/granted-access';
export * from './token/principal';
// The request authentication API controllers use, from the shared identity domain.
export {
  AuthenticatedGuard,
  CurrentAuthentication,
  RequestAuthenticator,
  type RequestAuthentication,
} from '@berth/identity/domain';
