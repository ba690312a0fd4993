export * from './config.schema';
export * from './berth-config';
export * from './config.module';
