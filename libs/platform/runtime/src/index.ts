export * from './bootstrap-service';
export * from './instance.module';
export * from './migrate-command';
