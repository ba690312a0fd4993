export * from './api-feature.module';
