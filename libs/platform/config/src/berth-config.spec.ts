import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './berth-config';

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to the all-in-one setup: port 8080, ./data, SQLite, filesystem blobs, in-process events', () => {
    const c = loadConfig({});
    expect(c.http.port).toBe(8080);
    expect(c.dataDir).toBe(path.resolve('data'));
    expect(c.database).toEqual({ kind: 'sqlite', file: path.resolve('data/berth.db') });
    expect(c.storage).toEqual({ kind: 'filesystem', root: path.resolve('data/blobs') });
    expect(c.messaging.kind).toBe('in-process');
    expect(c.http.externalUrl).toBe('http://localhost:8080');
  });

  it('switches to PostgreSQL, S3 and JetStream when their settings are given', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/berth',
      NATS_URL: 'nats://127.0.0.1:4222',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_ACCESS_KEY: 'k',
      S3_SECRET_KEY: 's',
    });
    expect(c.database.kind).toBe('postgres');
    expect(c.messaging).toMatchObject({ kind: 'jetstream', url: 'nats://127.0.0.1:4222' });
    expect(c.storage).toMatchObject({
      kind: 's3',
      bucket: 'berth',
      partSizeBytes: 16 * 1024 * 1024,
    });
  });

  it("holds a running scan's lease 60 s unless BERTH_SCANNER_LEASE_SECONDS says otherwise", () => {
    expect(loadConfig({}).scanner?.leaseMs).toBe(60_000);
    expect(loadConfig({ BERTH_SCANNER_LEASE_SECONDS: '5' }).scanner?.leaseMs).toBe(5000);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', BERTH_HTTP_PORT: '' }).http.port).toBe(8080);
  });

  it.each([
    [{ BERTH_HTTP_PORT: 'eighty' }, 'BERTH_HTTP_PORT'],
    [{ BERTH_HTTP_PORT: '70000' }, 'BERTH_HTTP_PORT'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL'],
    [{ NATS_URL: 'not a url' }, 'NATS_URL'],
    [{ BERTH_EXTERNAL_URL: 'ftp://registry' }, 'BERTH_EXTERNAL_URL'],
    [{ BERTH_ADMIN_PASSWORD: 'short' }, 'BERTH_ADMIN_PASSWORD'],
    [{ S3_ENDPOINT: 'http://127.0.0.1:9000' }, 'S3_ACCESS_KEY'],
    [{ BERTH_SCANNER_LEASE_SECONDS: '4' }, 'BERTH_SCANNER_LEASE_SECONDS'],
    [{ BERTH_SCANNER_LEASE_SECONDS: '3601' }, 'BERTH_SCANNER_LEASE_SECONDS'],
  ])('names the bad setting %j', (env, setting) => {
    const e = errorOf(env);
    expect(e.setting).toBe(setting);
    expect(e.message).toContain(setting);
    expect(e.message.split('\n')).toHaveLength(1);
  });

  it('never echoes a secret value in its error', () => {
    expect(errorOf({ BERTH_ADMIN_PASSWORD: 'short' }).message).not.toContain('short');
  });
});
