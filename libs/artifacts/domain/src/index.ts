export * from './artifact-store';
export * from './artifact-view';
export * from './artifacts-domain.module';
export * from './accessory-view';
