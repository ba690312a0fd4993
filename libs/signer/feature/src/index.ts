export * from './signer-feature.module';
