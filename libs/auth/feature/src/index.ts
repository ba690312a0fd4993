export * from './auth-feature.module';
export * from './auth-database.parts';
export * from './password-hash';
export * from './ensure-admin.usecase';
export * from './token/granted-access';
export * from './token/principal';
