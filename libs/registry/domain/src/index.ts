export * from './access/registry-access.port';
