export * from './harbor-error';
export * from './paging';
export * from './list-query';
export * from './typeorm-list-query';
export * from './url-encoding';
export * from './openapi-schema';
export * from './berth-version';
