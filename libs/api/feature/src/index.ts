export * from './api-feature.module';
export * from './api-route-table';
export * from './harbor-api.decorator';
export * from './harbor-error.filter';
export * from './openapi.document';
export * from './pagination';
