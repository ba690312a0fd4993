export * from './replicator-feature.module';
