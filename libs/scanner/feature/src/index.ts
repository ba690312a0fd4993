export * from './scanner-feature.module';
