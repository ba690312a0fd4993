import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '@berth/platform/runtime';
import { freePort } from '@berth/platform/testing';
import { projectsDatabaseParts } from '@berth/projects/domain';
import { registryDatabaseParts } from '@berth/registry/domain';
import { RegistryFeatureModule } from './registry-feature.module';
import {
  TEST_ADMIN_TOKEN,
  TEST_READER_TOKEN,
  testRegistryAccess,
} from './testing/test-registry-access';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const auth = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

const sha256 = (b: Uint8Array | string): string =>
  `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('OCI distribution API (SQLite + filesystem)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let svc: RunningService;
  let base: string;

  const start = async (): Promise<void> => {
    svc = await startService(
      {
        name: 'registry-test',
        features: [RegistryFeatureModule.withAccess(testRegistryAccess())],
        databaseParts: [projectsDatabaseParts, registryDatabaseParts],
      },
      env,
    );
    base = svc.url;
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-registry-'));
    env = {
      BERTH_HTTP_PORT: String(await freePort()),
      BERTH_HTTP_HOST: '127.0.0.1',
      BERTH_DATA_DIR: dataDir,
      BERTH_LOG_LEVEL: 'silent',
    };
    await start();
  });
  afterAll(async () => {
    await svc?.app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const req = (p: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${base}${p}`, { ...init, headers: { ...auth, ...(init.headers ?? {}) } });
  const abs = (location: string | null): string => {
    expect(location).toBeTruthy();
    return new URL(location!, base).pathname + new URL(location!, base).search;
  };

  async function pushBlob(repo: string, bytes: Uint8Array | string): Promise<string> {
    const digest = sha256(bytes);
    const res = await req(`/v2/${repo}/blobs/uploads/?digest=${digest}`, {
      method: 'POST',
      body: bytes,
    });
    expect(res.status).toBe(201);
    return digest;
  }

  async function pushImage(repo: string, tag: string, extra: Record<string, unknown> = {}) {
    const config = await pushBlob(repo, JSON.stringify({ architecture: 'amd64', tag, ...extra }));
    const layer = await pushBlob(repo, `layer of ${tag} ${JSON.stringify(extra)}`);
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 10 },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: 10 }],
      ...extra,
    });
    const res = await req(`/v2/${repo}/manifests/${tag}`, {
      method: 'PUT',
      headers: { 'Content-Type': OCI_MANIFEST },
      body,
    });
    expect(res.status).toBe(201);
    return { digest: sha256(body), body, res };
  }

  /** A POST with the path sent as written (fetch would resolve `..` before sending). */
  function rawPost(p: string): Promise<Response> {
    return new Promise((resolve, reject) => {
      const { hostname, port } = new URL(base);
      const r = http.request({ hostname, port, path: p, method: 'POST', headers: auth }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve(
            new Response(Buffer.concat(chunks), {
              status: res.statusCode,
              headers: Object.entries(res.headers).map(([k, v]) => [k, String(v)]),
            }),
          ),
        );
      });
      r.on('error', reject);
      r.end();
    });
  }

  async function ociCode(res: Response): Promise<string | undefined> {
    const text = await res.text();
    try {
      return (JSON.parse(text) as { errors: Array<{ code: string }> }).errors[0].code;
    } catch {
      return undefined;
    }
  }

  it('GET /v2/ answers 401 with a challenge without a token and 200 {} with one', async () => {
    const anon = await fetch(`${base}/v2/`);
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    expect(anon.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(await ociCode(anon)).toBe('UNAUTHORIZED');
    const ok = await req('/v2/');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({});
  });

  it('a token without push gets 401 insufficient_scope', async () => {
    const res = await fetch(`${base}/v2/library/readonly/blobs/uploads/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_READER_TOKEN}` },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(res.headers.get('www-authenticate')).toContain(
      'scope="repository:library/readonly:pull,push"',
    );
  });

  it('monolithic POST upload, then HEAD, GET, Range, Range past the end, DELETE', async () => {
    const bytes = Buffer.from('hello blob world');
    const digest = await pushBlob('library/mono', bytes);
    const head = await req(`/v2/library/mono/blobs/${digest}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    expect(head.headers.get('docker-content-digest')).toBe(digest);
    const get = await req(`/v2/library/mono/blobs/${digest}`);
    expect(Buffer.from(await get.arrayBuffer()).equals(bytes)).toBe(true);
    const part = await req(`/v2/library/mono/blobs/${digest}`, { headers: { Range: 'bytes=6-9' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 6-9/${bytes.length}`);
    expect(await part.text()).toBe('blob');
    const past = await req(`/v2/library/mono/blobs/${digest}`, {
      headers: { Range: 'bytes=100-' },
    });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    // Not linked to another repository: invisible there.
    await pushBlob('library/other', 'x');
    expect((await req(`/v2/library/other/blobs/${digest}`)).status).toBe(404);
    expect((await req(`/v2/library/mono/blobs/${digest}`, { method: 'DELETE' })).status).toBe(202);
    const gone = await req(`/v2/library/mono/blobs/${digest}`);
    expect(gone.status).toBe(404);
    expect(await ociCode(gone)).toBe('BLOB_UNKNOWN');
  });

  it('POST then PUT with the whole body (monolithic in two steps)', async () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024, 7);
    const digest = sha256(bytes);
    const post = await req('/v2/library/two-step/blobs/uploads/', { method: 'POST' });
    expect(post.status).toBe(202);
    expect(post.headers.get('range')).toBe('0-0');
    expect(post.headers.get('docker-upload-uuid')).toBeTruthy();
    const loc = abs(post.headers.get('location'));
    const put = await req(`${loc}?digest=${digest}`, { method: 'PUT', body: bytes });
    expect(put.status).toBe(201);
    expect(put.headers.get('location')).toBe(`/v2/library/two-step/blobs/${digest}`);
    const get = await req(`/v2/library/two-step/blobs/${digest}`);
    expect(Buffer.from(await get.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('streamed and chunked PATCH uploads, status, out-of-order chunk, then completion', async () => {
    const bytes = Buffer.from('0123456789abcdefghij');
    const post = await req('/v2/library/chunked/blobs/uploads/', { method: 'POST' });
    const loc = abs(post.headers.get('location'));
    const p1 = await req(loc, { method: 'PATCH', body: bytes.subarray(0, 5) });
    expect(p1.status).toBe(202);
    expect(p1.headers.get('range')).toBe('0-4');
    const p2 = await req(loc, {
      method: 'PATCH',
      headers: { 'Content-Range': '5-9', 'Content-Type': 'application/octet-stream' },
      body: bytes.subarray(5, 10),
    });
    expect(p2.headers.get('range')).toBe('0-9');
    const wrong = await req(loc, {
      method: 'PATCH',
      headers: { 'Content-Range': '12-14' },
      body: 'xyz',
    });
    expect(wrong.status).toBe(416);
    expect(wrong.headers.get('range')).toBe('0-9');
    const status = await req(loc);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe('0-9');
    const digest = sha256(bytes);
    const put = await req(`${loc}?digest=${digest}`, { method: 'PUT', body: bytes.subarray(10) });
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(digest);
    expect(await (await req(`/v2/library/chunked/blobs/${digest}`)).text()).toBe(bytes.toString());
    expect((await req(loc)).status).toBe(404);
  });

  it('cancels an upload with DELETE and forgets it', async () => {
    const post = await req('/v2/library/cancel/blobs/uploads/', { method: 'POST' });
    const loc = abs(post.headers.get('location'));
    await req(loc, { method: 'PATCH', body: 'abc' });
    expect((await req(loc, { method: 'DELETE' })).status).toBe(204);
    const after = await req(loc);
    expect(after.status).toBe(404);
    expect(await ociCode(after)).toBe('BLOB_UPLOAD_UNKNOWN');
    const id = loc.split('/').pop()!;
    expect(fs.existsSync(path.join(dataDir, 'blobs', 'uploads', id))).toBe(false);
  });

  it('mounts a blob from another repository, or falls back to an upload', async () => {
    const digest = await pushBlob('library/source', 'mount me');
    const mounted = await req(
      `/v2/library/target/blobs/uploads/?mount=${digest}&from=library/source`,
      {
        method: 'POST',
      },
    );
    expect(mounted.status).toBe(201);
    expect(mounted.headers.get('location')).toBe(`/v2/library/target/blobs/${digest}`);
    expect(await (await req(`/v2/library/target/blobs/${digest}`)).text()).toBe('mount me');
    const fallback = await req(
      `/v2/library/target2/blobs/uploads/?mount=${sha256('nope')}&from=library/source`,
      {
        method: 'POST',
      },
    );
    expect(fallback.status).toBe(202);
  });

  it('pushes, pulls, heads and deletes each manifest media type byte for byte', async () => {
    const repo = 'library/manifests';
    const config = await pushBlob(repo, '{"os":"linux"}');
    const layer = await pushBlob(repo, 'layer');
    // Odd spacing and key order: the stored bytes must be these, not a re-serialization.
    const image = `{ "schemaVersion": 2, "mediaType": "${OCI_MANIFEST}",\n "config": {"mediaType":"application/vnd.oci.image.config.v1+json","digest":"${config}","size":14}, "layers": [{"size":5,"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"${layer}"}], "annotations": {"é":"ü"} }`;
    const docker = JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        digest: config,
        size: 14,
      },
      layers: [
        { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: layer, size: 5 },
      ],
    });
    for (const [tag, body, type] of [
      ['oci', image, OCI_MANIFEST],
      ['docker', docker, DOCKER_MANIFEST],
    ] as const) {
      const put = await req(`/v2/${repo}/manifests/${tag}`, {
        method: 'PUT',
        headers: { 'Content-Type': type },
        body,
      });
      expect(put.status).toBe(201);
      expect(put.headers.get('docker-content-digest')).toBe(sha256(body));
      expect(put.headers.get('location')).toBe(`/v2/${repo}/manifests/${sha256(body)}`);
    }
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { mediaType: OCI_MANIFEST, digest: sha256(image), size: Buffer.byteLength(image) },
      ],
    });
    const list = JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER_LIST,
      manifests: [
        {
          mediaType: DOCKER_MANIFEST,
          digest: sha256(docker),
          size: docker.length,
          platform: { os: 'linux', architecture: 'amd64' },
        },
      ],
    });
    for (const [body, type] of [
      [index, OCI_INDEX],
      [list, DOCKER_LIST],
    ] as const) {
      const put = await req(`/v2/${repo}/manifests/${sha256(body)}`, {
        method: 'PUT',
        headers: { 'Content-Type': type },
        body,
      });
      expect(put.status).toBe(201);
    }
    for (const [ref, body, type] of [
      ['oci', image, OCI_MANIFEST],
      [sha256(image), image, OCI_MANIFEST],
      ['docker', docker, DOCKER_MANIFEST],
      [sha256(index), index, OCI_INDEX],
      [sha256(list), list, DOCKER_LIST],
    ] as const) {
      const get = await req(`/v2/${repo}/manifests/${ref}`, { headers: { Accept: type } });
      expect(get.status).toBe(200);
      expect(get.headers.get('content-type')).toBe(type);
      expect(get.headers.get('docker-content-digest')).toBe(sha256(body));
      expect(Buffer.from(await get.arrayBuffer()).equals(Buffer.from(body))).toBe(true);
      const head = await req(`/v2/${repo}/manifests/${ref}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
    }
    // Tag delete leaves the manifest; digest delete removes it and its tags.
    expect((await req(`/v2/${repo}/manifests/docker`, { method: 'DELETE' })).status).toBe(202);
    expect((await req(`/v2/${repo}/manifests/docker`)).status).toBe(404);
    expect((await req(`/v2/${repo}/manifests/${sha256(docker)}`)).status).toBe(200);
    expect((await req(`/v2/${repo}/manifests/${sha256(image)}`, { method: 'DELETE' })).status).toBe(
      202,
    );
    const gone = await req(`/v2/${repo}/manifests/oci`);
    expect(gone.status).toBe(404);
    expect(await ociCode(gone)).toBe('MANIFEST_UNKNOWN');
    // Pushed, pulled and deleted all went through the outbox.
    const rows: Array<{ type: string }> = await svc.app
      .get(DataSource)
      .query("SELECT type FROM outbox_event WHERE type LIKE 'artifact.%'");
    const types = new Set(rows.map((r) => r.type));
    expect(types).toEqual(new Set(['artifact.pushed', 'artifact.pulled', 'artifact.deleted']));
  });

  it('moves a tag on re-push and lists tags and the catalog in pages with Link', async () => {
    const repo = 'library/paged';
    for (const tag of ['a', 'b', 'c', 'd', 'e']) await pushImage(repo, tag);
    const moved = await pushImage(repo, 'a', { moved: 'yes' });
    const get = await req(`/v2/${repo}/manifests/a`);
    expect(get.headers.get('docker-content-digest')).toBe(moved.digest);
    const page1 = await req(`/v2/${repo}/tags/list?n=2`);
    expect(await page1.json()).toEqual({ name: repo, tags: ['a', 'b'] });
    const link = page1.headers.get('link');
    expect(link).toBe(`</v2/${repo}/tags/list?n=2&last=b>; rel="next"`);
    const page2 = await req(link!.slice(1, link!.indexOf('>')));
    expect(await page2.json()).toEqual({ name: repo, tags: ['c', 'd'] });
    const all = await req(`/v2/${repo}/tags/list?n=999999`);
    expect(((await all.json()) as { tags: string[] }).tags).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(all.headers.get('link')).toBeNull();
    const cat = await req('/v2/_catalog?n=1');
    expect(((await cat.json()) as { repositories: string[] }).repositories).toHaveLength(1);
    expect(cat.headers.get('link')).toMatch(/^<\/v2\/_catalog\?n=1&last=.+>; rel="next"$/);
    const full = await req('/v2/_catalog');
    expect(((await full.json()) as { repositories: string[] }).repositories).toContain(repo);
    const unknown = await req('/v2/library/nothing-here/tags/list');
    expect(await ociCode(unknown)).toBe('NAME_UNKNOWN');
  });

  it('lists referrers by subject, with an artifactType filter', async () => {
    const repo = 'library/referred';
    const subject = await pushImage(repo, 'v1');
    const empty = await req(`/v2/${repo}/referrers/${subject.digest}`);
    expect(empty.status).toBe(200);
    expect(((await empty.json()) as { manifests: unknown[] }).manifests).toEqual([]);
    const cfg = await pushBlob(repo, '{}');
    const sig = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example.sig',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: cfg, size: 2 },
      layers: [],
      subject: { mediaType: OCI_MANIFEST, digest: subject.digest, size: subject.body.length },
      annotations: { 'org.example': 'yes' },
    });
    const sbom = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.example.sbom', digest: cfg, size: 2 },
      layers: [],
      subject: { mediaType: OCI_MANIFEST, digest: subject.digest, size: subject.body.length },
    });
    for (const body of [sig, sbom]) {
      const put = await req(`/v2/${repo}/manifests/${sha256(body)}`, {
        method: 'PUT',
        headers: { 'Content-Type': OCI_MANIFEST },
        body,
      });
      expect(put.status).toBe(201);
      expect(put.headers.get('oci-subject')).toBe(subject.digest);
    }
    const all = await req(`/v2/${repo}/referrers/${subject.digest}`);
    expect(all.headers.get('content-type')).toBe(OCI_INDEX);
    const index = (await all.json()) as { manifests: unknown[] };
    expect(index.manifests).toEqual([
      {
        mediaType: OCI_MANIFEST,
        digest: sha256(sig),
        size: sig.length,
        artifactType: 'application/vnd.example.sig',
        annotations: { 'org.example': 'yes' },
      },
      {
        mediaType: OCI_MANIFEST,
        digest: sha256(sbom),
        size: sbom.length,
        artifactType: 'application/vnd.example.sbom',
      },
    ]);
    const filtered = await req(
      `/v2/${repo}/referrers/${subject.digest}?artifactType=application/vnd.example.sbom`,
    );
    expect(filtered.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(
      ((await filtered.json()) as { manifests: Array<{ digest: string }> }).manifests.map(
        (m: { digest: string }) => m.digest,
      ),
    ).toEqual([sha256(sbom)]);
  });

  it('continues an upload after a restart on the same data directory', async () => {
    const bytes = Buffer.alloc(256 * 1024, 3);
    bytes.write('distinct');
    const post = await req('/v2/library/restart/blobs/uploads/', { method: 'POST' });
    const loc = abs(post.headers.get('location'));
    expect((await req(loc, { method: 'PATCH', body: bytes.subarray(0, 100_000) })).status).toBe(
      202,
    );
    await svc.app.close();
    await start();
    const status = await req(loc);
    expect(status.headers.get('range')).toBe('0-99999');
    expect(
      (
        await req(loc, {
          method: 'PATCH',
          headers: { 'Content-Range': `100000-${bytes.length - 1}` },
          body: bytes.subarray(100_000),
        })
      ).status,
    ).toBe(202);
    const digest = sha256(bytes);
    expect((await req(`${loc}?digest=${digest}`, { method: 'PUT' })).status).toBe(201);
    const get = await req(`/v2/library/restart/blobs/${digest}`);
    expect(Buffer.from(await get.arrayBuffer()).equals(bytes)).toBe(true);
  });

  describe('hostile requests: an OCI error, nothing stored, and the server keeps answering', () => {
    const blobFile = (digest: string) =>
      path.join(dataDir, 'blobs', 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7));
    const config = {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: sha256('absent'),
      size: 6,
    };
    const manifestOf = (extra: Record<string, unknown>) =>
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [], ...extra });

    const cases: Array<{
      name: string;
      run: () => Promise<Response>;
      status: number;
      code: string;
      absent?: string;
    }> = [
      {
        name: 'monolithic upload with the wrong digest',
        run: () =>
          req(`/v2/library/hostile/blobs/uploads/?digest=${sha256('other')}`, {
            method: 'POST',
            body: 'payload',
          }),
        status: 400,
        code: 'DIGEST_INVALID',
        absent: sha256('other'),
      },
      {
        name: 'malformed digest',
        run: () =>
          req('/v2/library/hostile/blobs/uploads/?digest=sha256:xyz', {
            method: 'POST',
            body: 'p',
          }),
        status: 400,
        code: 'DIGEST_INVALID',
      },
      {
        name: 'a 5 MiB manifest',
        run: () =>
          req('/v2/library/hostile/manifests/big', {
            method: 'PUT',
            headers: { 'Content-Type': OCI_MANIFEST },
            body: Buffer.alloc(5 * 1024 * 1024, 32),
          }),
        status: 413,
        code: 'SIZE_INVALID',
      },
      {
        name: 'invalid JSON manifest',
        run: () =>
          req('/v2/library/hostile/manifests/bad', {
            method: 'PUT',
            headers: { 'Content-Type': OCI_MANIFEST },
            body: '{not json',
          }),
        status: 400,
        code: 'MANIFEST_INVALID',
      },
      {
        name: 'schema 1 manifest',
        run: () =>
          req('/v2/library/hostile/manifests/old', {
            method: 'PUT',
            headers: {
              'Content-Type': 'application/vnd.docker.distribution.manifest.v1+prettyjws',
            },
            body: JSON.stringify({ schemaVersion: 1, name: 'x', tag: 'y', fsLayers: [] }),
          }),
        status: 400,
        code: 'MANIFEST_INVALID',
      },
      {
        name: 'manifest whose Content-Type disagrees with its mediaType',
        run: () =>
          req('/v2/library/hostile/manifests/mismatch', {
            method: 'PUT',
            headers: { 'Content-Type': OCI_INDEX },
            body: manifestOf({}),
          }),
        status: 400,
        code: 'MANIFEST_INVALID',
      },
      {
        name: 'manifest referencing an absent blob',
        run: () =>
          req('/v2/library/hostile/manifests/absent', {
            method: 'PUT',
            headers: { 'Content-Type': OCI_MANIFEST },
            body: manifestOf({}),
          }),
        status: 404,
        code: 'MANIFEST_BLOB_UNKNOWN',
      },
      {
        name: 'manifest PUT by a digest that is not its own',
        run: () =>
          req(`/v2/library/hostile/manifests/${sha256('x')}`, {
            method: 'PUT',
            headers: { 'Content-Type': OCI_MANIFEST },
            body: manifestOf({}),
          }),
        status: 400,
        code: 'DIGEST_INVALID',
      },
      {
        name: 'name with ..',
        run: () => rawPost('/v2/library/../etc/blobs/uploads/'),
        status: 400,
        code: 'NAME_INVALID',
      },
      {
        name: 'upper-case name',
        run: () => req('/v2/library/Upper/blobs/uploads/', { method: 'POST' }),
        status: 400,
        code: 'NAME_INVALID',
      },
      {
        name: 'name over 255 characters',
        run: () => req(`/v2/library/${'a'.repeat(250)}/blobs/uploads/`, { method: 'POST' }),
        status: 400,
        code: 'NAME_INVALID',
      },
      {
        name: 'unknown upload id',
        run: () =>
          req('/v2/library/mono/blobs/uploads/00000000-0000-4000-8000-000000000000', {
            method: 'PATCH',
            body: 'x',
          }),
        status: 404,
        code: 'BLOB_UPLOAD_UNKNOWN',
      },
      {
        name: 'garbage upload id',
        run: () =>
          req('/v2/library/mono/blobs/uploads/..%2F..%2Fetc', { method: 'PUT', body: 'x' }),
        status: 404,
        code: 'BLOB_UPLOAD_UNKNOWN',
      },
      {
        name: 'push into a project that does not exist',
        run: () =>
          req(`/v2/nosuchproject/app/blobs/uploads/?digest=${sha256('p')}`, {
            method: 'POST',
            body: 'p',
          }),
        status: 404,
        code: 'NAME_UNKNOWN',
        absent: sha256('p'),
      },
      {
        name: 'unknown endpoint',
        run: () => req('/v2/library/x/nothing'),
        status: 404,
        code: 'NAME_UNKNOWN',
      },
      {
        name: 'unsupported method on a manifest',
        run: () => req('/v2/library/x/manifests/latest', { method: 'POST' }),
        status: 405,
        code: 'UNSUPPORTED',
      },
    ];

    it.each(cases)('$name', async ({ run, status, code, absent }) => {
      const res = await run();
      expect(res.status).toBe(status);
      expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
      expect(await ociCode(res)).toBe(code);
      if (absent) expect(fs.existsSync(blobFile(absent))).toBe(false);
      expect((await req('/v2/')).status).toBe(200);
    });

    it('a completion whose digest does not match stores nothing', async () => {
      const post = await req('/v2/library/hostile/blobs/uploads/', { method: 'POST' });
      const loc = abs(post.headers.get('location'));
      await req(loc, { method: 'PATCH', body: 'part one' });
      await req(loc, { method: 'PATCH', body: 'part two' });
      const wrong = sha256('something else');
      const put = await req(`${loc}?digest=${wrong}`, { method: 'PUT' });
      expect(put.status).toBe(400);
      expect(await ociCode(put)).toBe('DIGEST_INVALID');
      expect(fs.existsSync(blobFile(wrong))).toBe(false);
      expect(fs.existsSync(blobFile(sha256('part onepart two')))).toBe(false);
    });

    it('a truncated body (Content-Length larger than what is sent) stores nothing', async () => {
      const digest = sha256('truncated body!');
      const url = new URL(base);
      await new Promise<void>((resolve) => {
        const socket = net.connect(Number(url.port), url.hostname, () => {
          socket.write(
            `POST /v2/library/hostile/blobs/uploads/?digest=${digest} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_ADMIN_TOKEN}\r\nContent-Length: 15\r\n\r\ntruncated`,
          );
          setTimeout(() => socket.destroy(), 200);
        });
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(fs.existsSync(blobFile(digest))).toBe(false);
      expect((await req(`/v2/library/hostile/blobs/${digest}`, { method: 'HEAD' })).status).toBe(
        404,
      );
      expect((await req('/v2/')).status).toBe(200);
    });
  });
});
