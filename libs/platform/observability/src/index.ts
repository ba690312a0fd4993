export * from './logger';
export * from './metrics';
export * from './readiness';
export * from './request-id';
export * from './health.controller';
export * from './observability.module';
