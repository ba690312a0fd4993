export * from './notifier-feature.module';
