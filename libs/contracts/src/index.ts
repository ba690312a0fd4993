export * from './events/envelope';
export * from './events/event-map';
export * from './events/artifact/artifact.events';
export * from './events/system/system.events';
export * from './events/actor/actor';
export * from './events/identity/identity.events';
export * from './events/project/project.events';
export * from './auth/registry-token';
