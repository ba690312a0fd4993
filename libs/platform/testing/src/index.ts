export * from './real-dependencies';
export * from './ports';
export * from './processes';
