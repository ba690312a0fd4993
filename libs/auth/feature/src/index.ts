export * from './auth-feature.module';
export * from './password-hash';
export * from './ensure-admin.usecase';
