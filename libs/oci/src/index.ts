export * from './errors';
export * from './names';
export * from './digest';
export * from './media-types';
export * from './manifest';
