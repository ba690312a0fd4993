import { createHash } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import type { BerthConfig } from '@berth/platform/config';
import type { OsvDatabase } from '../osv/osv-database';
import type { Finding } from '../osv/vulnerability-matcher';
import type { ScanEngine } from '../service/scan-engine';
import type { VulnerabilityDatabaseHolder } from '../service/vulnerability-database.holder';
import { AdapterScanJobs, type AdapterJobState } from './adapter-scan-jobs';

const sha256 = (b: string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const LAYER = 'Package: libssl3\nVersion: 3.0.9-1\n';
const MANIFEST = JSON.stringify({ schemaVersion: 2, layers: [{ digest: sha256(LAYER) }] });

const finding: Finding = {
  id: 'CVE-2099-1',
  advisoryId: 'DSA-1',
  aliases: ['CVE-2099-1'],
  ecosystem: 'Debian:12',
  package: 'libssl3',
  version: '3.0.9-1',
  fixVersion: '3.0.11-1',
  severity: 'High',
  summary: '',
  description: 'made up',
  links: [],
  cweIds: [],
  location: 'var/lib/dpkg/status',
};

/** An engine whose inventory is the first layer's text (read through the puller) as one package. */
const engine: ScanEngine = {
  inventory: async (manifest, blobs) => {
    const layer = (manifest as { layers: Array<{ digest: string }> }).layers[0];
    const content = await text(await blobs.open(layer.digest));
    const version = /Version: (\S+)/.exec(content)?.[1] ?? '';
    return {
      packages: [
        { ecosystem: 'Debian:12', name: 'libssl3', version, location: 'var/lib/dpkg/status' },
      ],
      layers: 1,
      notes: [],
    };
  },
  platformManifests: () => [],
  loadDatabase: async () => ({}) as OsvDatabase,
  match: (_db, packages) => ({
    findings: packages.length > 0 ? [finding] : [],
    unreadableVersions: [],
    unsupportedEcosystems: [],
  }),
};

const database = { loadedAt: '2099-01-01T00:00:00Z', newestModified: '2099-01-02T00:00:00Z' };
const holder = { current: () => database } as unknown as VulnerabilityDatabaseHolder;
const config = { scanner: { concurrency: 1, timeoutMs: 5000 } } as unknown as BerthConfig;

/** A registry open to anonymous pulls that serves MANIFEST and LAYER, or `status` for all. */
function registry(status = 200): typeof fetch {
  return (async (input: string | URL) => {
    const url = String(input);
    if (status !== 200) return new Response('', { status });
    if (url.endsWith(`/manifests/${sha256(MANIFEST)}`)) return new Response(MANIFEST);
    if (url.endsWith(`/blobs/${sha256(LAYER)}`)) return new Response(LAYER);
    return new Response('', { status: 404 });
  }) as typeof fetch;
}

const request = {
  registry: { url: 'http://registry.test' },
  artifact: {
    repository: 'shop/app',
    digest: sha256(MANIFEST),
    mime_type: 'application/vnd.oci.image.manifest.v1+json',
  },
};

async function settled(jobs: AdapterScanJobs, id: string): Promise<AdapterJobState> {
  for (let i = 0; i < 100; i++) {
    const state = jobs.state(id);
    if (state && state.status !== 'queued' && state.status !== 'running') return state;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('the job did not finish');
}

describe('AdapterScanJobs', () => {
  it('pulls the image, matches it and keeps the report under the job id', async () => {
    const jobs = new AdapterScanJobs(engine, holder, config);
    jobs.pullOptions = { fetch: registry() };
    const id = jobs.accept(request, new URL(request.registry.url));
    expect(jobs.state(id)?.status).toMatch(/queued|running/);
    const state = await settled(jobs, id);
    expect(state).toMatchObject({
      status: 'done',
      report: {
        artifact: request.artifact,
        scanner: { name: 'Berth', vendor: 'Berth' },
        severity: 'High',
        vulnerabilities: [
          {
            id: 'CVE-2099-1',
            package: 'libssl3',
            fix_version: '3.0.11-1',
            artifact_digests: [request.artifact.digest],
          },
        ],
      },
    });
    expect(jobs.databaseUpdatedAt()).toBe('2099-01-02T00:00:00Z');
  });

  it('fails the job with the registry’s refusal', async () => {
    const jobs = new AdapterScanJobs(engine, holder, config);
    jobs.pullOptions = { fetch: registry(403) };
    const id = jobs.accept(request, new URL(request.registry.url));
    expect(await settled(jobs, id)).toEqual({
      status: 'failed',
      message: expect.stringMatching(/answered 403/),
    });
  });

  it('knows no other ids', () => {
    expect(new AdapterScanJobs(engine, holder, config).state('nope')).toBeUndefined();
  });
});
