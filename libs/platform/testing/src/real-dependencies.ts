import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Dependency = 'postgres' | 'nats' | 's3';

export interface DependencyEnv {
  DATABASE_URL: string;
  NATS_URL: string;
  S3_ENDPOINT: string;
  S3_ACCESS_KEY: string;
  S3_SECRET_KEY: string;
  S3_BUCKET: string;
  S3_REGION: string;
}

export const workspaceRoot = path.resolve(__dirname, '../../../..');
const depsDir = (): string => process.env.BERTH_DEPS_DIR ?? '/tmp/berth-deps';

/**
 * Starts (or finds running) the real services through tools/deps/up.sh and returns their
 * connection settings. Idempotent, so every suite may call it.
 */
export function ensureDependencies(deps: Dependency[]): DependencyEnv {
  execFileSync('bash', [path.join(workspaceRoot, 'tools/deps/up.sh'), ...deps], {
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 900_000,
  });
  return readDependencyEnv();
}

export function readDependencyEnv(): DependencyEnv {
  const text = fs.readFileSync(path.join(depsDir(), 'env'), 'utf8');
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(?:export\s+)?([A-Z0-9_]+)=["']?([^"'\n]*)["']?$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return env as unknown as DependencyEnv;
}

/** Absolute path of a dependency binary (installing it when missing). */
export function dependencyBinary(name: 'nats-server' | 'weed' | 'postgres-bin'): string {
  return execFileSync('bash', [path.join(workspaceRoot, 'tools/deps/which.sh'), name], {
    encoding: 'utf8',
  }).trim();
}
