export * from './registry-feature.module';
export * from './registry-challenge';
export * from './registry-route';
export * from './token-proxy.module';
