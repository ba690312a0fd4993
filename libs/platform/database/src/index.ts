export * from './data-source.factory';
export * from './migrate';
export * from './database.module';
export * from './system-setting.entity';
export * from './system-setting.repository';
export * from './bulk-insert';
export * from './sqlite-transactions';
