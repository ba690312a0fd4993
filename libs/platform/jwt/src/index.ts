export * from './jwt.errors';
export * from './jwk';
export * from './jws';
export * from './jwks-client';
