export * from './portal-feature.module';
