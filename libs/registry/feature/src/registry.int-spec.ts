import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client as S3Client } from 'minio';
import { Client as PgClient } from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '@berth/platform/runtime';
import { ensureDependencies, freePort } from '@berth/platform/testing';
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
const MIB = 1024 * 1024;
const auth = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

const sha256 = (b: Uint8Array | string): string =>
  `sha256:${createHash('sha256').update(b).digest('hex')}`;
const blobKey = (digest: string): string => `blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}`;
/** JavaScript's default sort compares UTF-16 units, which for ASCII names is byte order. */
const byteOrder = (items: string[]): string[] => [...items].sort();

const startRegistry = (env: Record<string, string>): Promise<RunningService> =>
  startService(
    {
      name: 'registry-test',
      features: [RegistryFeatureModule.withAccess(testRegistryAccess())],
      databaseParts: [projectsDatabaseParts, registryDatabaseParts],
    },
    env,
  );

/** Where the registry keeps its metadata and bytes for one test run, created fresh and removed after. */
interface RegistryBackend {
  name: string;
  database: 'sqlite' | 'postgres';
  storage: 'filesystem' | 's3';
  /** Creates the run's database and storage; returns the settings that point a process at them. */
  setUp(): Promise<Record<string, string>>;
  /** Whether the blob store holds an object under exactly this key. */
  hasObject(key: string): Promise<boolean>;
  /** Whether anything is left under this key prefix (an upload's chunks). */
  hasObjectsUnder(prefix: string): Promise<boolean>;
  /** Loses an object behind the registry's back, as a storage fault would. */
  removeObject(key: string): Promise<void>;
  tearDown(): Promise<void>;
}

function sqliteFilesystem(): RegistryBackend {
  let dataDir = '';
  return {
    name: 'SQLite + filesystem',
    database: 'sqlite',
    storage: 'filesystem',
    async setUp() {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-registry-'));
      return { BERTH_DATA_DIR: dataDir };
    },
    hasObject: async (key) => fs.existsSync(path.join(dataDir, 'blobs', key)),
    hasObjectsUnder: async (prefix) => fs.existsSync(path.join(dataDir, 'blobs', prefix)),
    removeObject: async (key) => fs.rmSync(path.join(dataDir, 'blobs', key)),
    async tearDown() {
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh PostgreSQL database and S3 bucket. The database collates with ICU `en-US`, as many
 * production clusters do, so anything relying on the default collation for byte order shows.
 */
function postgresS3(): RegistryBackend {
  const suffix = randomBytes(4).toString('hex');
  const database = `berth_reg_${suffix}`;
  const bucket = `berth-reg-${suffix}`;
  const dataDirs: string[] = [];
  let adminUrl: string | undefined;
  let s3: S3Client | undefined;
  const s3Client = (): S3Client => {
    if (!s3) throw new Error('postgres + s3 backend not set up');
    return s3;
  };
  const admin = async <T>(work: (pg: PgClient) => Promise<T>): Promise<T> => {
    const pg = new PgClient({ connectionString: adminUrl });
    await pg.connect();
    try {
      return await work(pg);
    } finally {
      await pg.end();
    }
  };
  const keysUnder = async (prefix: string): Promise<string[]> => {
    const names: string[] = [];
    const items = s3Client().listObjectsV2(bucket, prefix, true) as AsyncIterable<{
      name?: string;
    }>;
    for await (const item of items) if (item.name !== undefined) names.push(item.name);
    return names;
  };
  return {
    name: 'PostgreSQL + S3',
    database: 'postgres',
    storage: 's3',
    async setUp() {
      const deps = ensureDependencies(['postgres', 's3']);
      adminUrl = deps.DATABASE_URL;
      await admin((pg) =>
        pg.query(
          `CREATE DATABASE ${database} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'`,
        ),
      );
      const endpoint = new URL(deps.S3_ENDPOINT);
      s3 = new S3Client({
        endPoint: endpoint.hostname,
        port: Number(endpoint.port),
        useSSL: false,
        accessKey: deps.S3_ACCESS_KEY,
        secretKey: deps.S3_SECRET_KEY,
        region: deps.S3_REGION,
        pathStyle: true,
      });
      // The data dir still holds the generated admin password; metadata and blobs live elsewhere.
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-registry-'));
      dataDirs.push(dataDir);
      return {
        BERTH_DATA_DIR: dataDir,
        DATABASE_URL: adminUrl.replace(/\/[^/]+$/, `/${database}`),
        DATABASE_POOL_SIZE: '4',
        S3_ENDPOINT: deps.S3_ENDPOINT,
        S3_ACCESS_KEY: deps.S3_ACCESS_KEY,
        S3_SECRET_KEY: deps.S3_SECRET_KEY,
        S3_REGION: deps.S3_REGION,
        S3_BUCKET: bucket,
        // The smallest part S3 allows, so a few MiB already make a multipart upload.
        S3_PART_SIZE_MB: '5',
      };
    },
    async hasObject(key) {
      return s3Client()
        .statObject(bucket, key)
        .then(
          () => true,
          (e: unknown) => {
            if ((e as { code?: string }).code === 'NotFound') return false;
            throw e;
          },
        );
    },
    hasObjectsUnder: async (prefix) => (await keysUnder(prefix)).length > 0,
    removeObject: (key) => s3Client().removeObject(bucket, key),
    async tearDown() {
      if (adminUrl)
        await admin((pg) => pg.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
      if (s3 && (await s3.bucketExists(bucket))) {
        const client = s3;
        for await (const upload of client.listIncompleteUploads(bucket, '', true))
          await client.abortMultipartUpload(bucket, upload.key, upload.uploadId);
        await client.removeObjects(bucket, await keysUnder(''));
        await client.removeBucket(bucket);
      }
      for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Written once, run against both stacks: all-in-one (SQLite + filesystem) and distributed (PostgreSQL + S3).
describe.each([sqliteFilesystem(), postgresS3()])('OCI distribution API ($name)', (backend) => {
  let env: Record<string, string>;
  let svc: RunningService;
  let base: string;

  const start = async (): Promise<void> => {
    svc = await startRegistry(env);
    base = svc.url;
  };

  beforeAll(async () => {
    env = {
      ...(await backend.setUp()),
      BERTH_HTTP_PORT: String(await freePort()),
      BERTH_HTTP_HOST: '127.0.0.1',
      BERTH_LOG_LEVEL: 'silent',
    };
    await start();
    expect([svc.config.database.kind, svc.config.storage.kind]).toEqual([
      backend.database,
      backend.storage,
    ]);
  });
  afterAll(async () => {
    await svc?.app.close();
    await backend.tearDown();
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
    expect(await backend.hasObjectsUnder(`uploads/${id}`)).toBe(false);
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

    // Deleting the subject deletes what refers to it (and what refers to those), as Harbor does.
    const counter = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example.sig',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: cfg, size: 2 },
      layers: [],
      subject: { mediaType: OCI_MANIFEST, digest: sha256(sbom), size: sbom.length },
    });
    expect(
      (
        await req(`/v2/${repo}/manifests/${sha256(counter)}`, {
          method: 'PUT',
          headers: { 'Content-Type': OCI_MANIFEST },
          body: counter,
        })
      ).status,
    ).toBe(201);
    const other = await pushImage(repo, 'v2');
    expect(
      (await req(`/v2/${repo}/manifests/${subject.digest}`, { method: 'DELETE' })).status,
    ).toBe(202);
    for (const gone of [subject.digest, sha256(sig), sha256(sbom), sha256(counter)])
      expect((await req(`/v2/${repo}/manifests/${gone}`, { method: 'HEAD' })).status).toBe(404);
    expect((await req(`/v2/${repo}/manifests/${other.digest}`, { method: 'HEAD' })).status).toBe(
      200,
    );
  });

  it('continues an upload after a restart on the same database and storage', async () => {
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

  it('assembles small chunks into a multi-part blob and serves ranges across chunk borders', async () => {
    const bytes = randomBytes(7 * MIB + 123);
    const sizes = [1, 3 * MIB, 100 * 1024, 2 * MIB, 7];
    sizes.push(bytes.length - sizes.reduce((a, b) => a + b, 0));
    const post = await req('/v2/library/small-chunks/blobs/uploads/', { method: 'POST' });
    const loc = abs(post.headers.get('location'));
    let offset = 0;
    for (const size of sizes) {
      const res = await req(loc, {
        method: 'PATCH',
        headers: { 'Content-Range': `${offset}-${offset + size - 1}` },
        body: bytes.subarray(offset, offset + size),
      });
      expect(res.status).toBe(202);
      offset += size;
      expect(res.headers.get('range')).toBe(`0-${offset - 1}`);
    }
    const digest = sha256(bytes);
    expect((await req(`${loc}?digest=${digest}`, { method: 'PUT' })).status).toBe(201);
    const head = await req(`/v2/library/small-chunks/blobs/${digest}`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    const get = await req(`/v2/library/small-chunks/blobs/${digest}`);
    expect(sha256(Buffer.from(await get.arrayBuffer()))).toBe(digest);
    const start = 3 * MIB - 5;
    const part = await req(`/v2/library/small-chunks/blobs/${digest}`, {
      headers: { Range: `bytes=${start}-${start + 200 * 1024}` },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(
      `bytes ${start}-${start + 200 * 1024}/${bytes.length}`,
    );
    expect(
      Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(start, start + 200 * 1024 + 1)),
    ).toBe(true);
    expect(await backend.hasObjectsUnder(`uploads/${loc.split('/').pop()!}`)).toBe(false);
  });

  it('stores an empty blob through a session and serves it', async () => {
    const digest = sha256('');
    const post = await req('/v2/library/empty/blobs/uploads/', { method: 'POST' });
    const loc = abs(post.headers.get('location'));
    expect((await req(`${loc}?digest=${digest}`, { method: 'PUT' })).status).toBe(201);
    const get = await req(`/v2/library/empty/blobs/${digest}`);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-length')).toBe('0');
    expect((await get.arrayBuffer()).byteLength).toBe(0);
  });

  it('lists tags and the catalog in byte order, page after page', async () => {
    const repo = 'library/order';
    const tags = ['b', 'B', 'a', 'A1', '_x', 'a-b', 'a.b', 'a_b', 'ab', 'a0', 'Z'];
    for (const tag of tags) await pushImage(repo, tag);
    for (const name of ['order-x', 'order.x', 'order_x', 'order/x', 'order0', 'orderx'])
      await pushBlob(`library/${name}`, name);
    const walk = async (first: string, key: 'tags' | 'repositories'): Promise<string[]> => {
      const seen: string[] = [];
      for (let url: string | undefined = first; url;) {
        const res = await req(url);
        expect(res.status).toBe(200);
        seen.push(...((await res.json()) as Record<string, string[]>)[key]);
        const link = res.headers.get('link');
        url = link ? link.slice(1, link.indexOf('>')) : undefined;
      }
      return seen;
    };
    const all = ((await (await req(`/v2/${repo}/tags/list`)).json()) as { tags: string[] }).tags;
    expect(all).toEqual(byteOrder(tags));
    expect(await walk(`/v2/${repo}/tags/list?n=3`, 'tags')).toEqual(byteOrder(tags));
    const catalog = ((await (await req('/v2/_catalog')).json()) as { repositories: string[] })
      .repositories;
    expect(catalog).toEqual(byteOrder(catalog));
    expect(catalog).toEqual(expect.arrayContaining(['library/order-x', 'library/order/x']));
    expect(await walk('/v2/_catalog?n=2', 'repositories')).toEqual(catalog);
  });

  it('keeps tags that differ only in case apart', async () => {
    const repo = 'library/cased';
    const lower = await pushImage(repo, 'latest');
    const upper = await pushImage(repo, 'LATEST', { upper: true });
    expect((await req(`/v2/${repo}/manifests/latest`)).headers.get('docker-content-digest')).toBe(
      lower.digest,
    );
    expect((await req(`/v2/${repo}/manifests/LATEST`)).headers.get('docker-content-digest')).toBe(
      upper.digest,
    );
    expect((await req(`/v2/${repo}/manifests/Latest`)).status).toBe(404);
  });

  it('takes concurrent pushes of the same blob, manifest and tag without an error', async () => {
    const repo = 'library/concurrent';
    const bytes = `shared layer ${randomBytes(8).toString('hex')}`;
    const digest = sha256(bytes);
    const blobs = await Promise.all(
      Array.from({ length: 8 }, () =>
        req(`/v2/${repo}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bytes }),
      ),
    );
    expect(blobs.map((r) => r.status)).toEqual(Array(8).fill(201));
    const config = await pushBlob(repo, '{"architecture":"arm64"}');
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 24 },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest, size: 10 }],
    });
    const puts = await Promise.all(
      ['v1', 'v1', 'v1', 'v2', 'v2', 'v3', 'v3', 'v3'].map((tag) =>
        req(`/v2/${repo}/manifests/${tag}`, {
          method: 'PUT',
          headers: { 'Content-Type': OCI_MANIFEST },
          body,
        }),
      ),
    );
    expect(puts.map((r) => r.status)).toEqual(Array(8).fill(201));
    const tags = ((await (await req(`/v2/${repo}/tags/list`)).json()) as { tags: string[] }).tags;
    expect(tags).toEqual(['v1', 'v2', 'v3']);
    // A repository's first pushes, all at once.
    const fresh = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        req(`/v2/library/first-push/blobs/uploads/?digest=${sha256(`p${i}`)}`, {
          method: 'POST',
          body: `p${i}`,
        }),
      ),
    );
    expect(fresh.map((r) => r.status)).toEqual(Array(6).fill(201));
  });

  it('answers BLOB_UNKNOWN, not a server error, when the bytes of a known blob are lost', async () => {
    const digest = await pushBlob('library/lost', `lost ${randomBytes(8).toString('hex')}`);
    await backend.removeObject(blobKey(digest));
    for (const range of [undefined, 'bytes=0-1']) {
      const res = await req(`/v2/library/lost/blobs/${digest}`, {
        headers: range ? { Range: range } : {},
      });
      expect(res.status).toBe(404);
      expect(await ociCode(res)).toBe('BLOB_UNKNOWN');
    }
  });

  describe('hostile requests: an OCI error, nothing stored, and the server keeps answering', () => {
    const blobStored = (digest: string): Promise<boolean> => backend.hasObject(blobKey(digest));
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
        status: 400,
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
        name: 'chunk out of order',
        run: async () => {
          const post = await req('/v2/library/hostile/blobs/uploads/', { method: 'POST' });
          return req(abs(post.headers.get('location')), {
            method: 'PATCH',
            headers: { 'Content-Range': '5-9' },
            body: 'later',
          });
        },
        status: 416,
        code: 'BLOB_UPLOAD_INVALID',
      },
      {
        name: 'chunk whose Content-Range disagrees with its body length',
        run: async () => {
          const post = await req('/v2/library/hostile/blobs/uploads/', { method: 'POST' });
          return req(abs(post.headers.get('location')), {
            method: 'PATCH',
            headers: { 'Content-Range': '0-99' },
            body: 'ten bytes!',
          });
        },
        status: 400,
        code: 'BLOB_UPLOAD_INVALID',
      },
      {
        name: 'Range past the end of a blob',
        run: async () => {
          const digest = sha256('short blob');
          await req(`/v2/library/hostile/blobs/uploads/?digest=${digest}`, {
            method: 'POST',
            body: 'short blob',
          });
          return req(`/v2/library/hostile/blobs/${digest}`, {
            headers: { Range: 'bytes=100-200' },
          });
        },
        status: 416,
        code: 'SIZE_INVALID',
      },
      {
        name: 'a token for another repository',
        run: () =>
          req(`/v2/library/not-readonly/blobs/uploads/?digest=${sha256('stolen')}`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${TEST_READER_TOKEN}` },
            body: 'stolen',
          }),
        status: 401,
        code: 'UNAUTHORIZED',
        absent: sha256('stolen'),
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
      if (absent) expect(await blobStored(absent)).toBe(false);
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
      expect(await blobStored(wrong)).toBe(false);
      expect(await blobStored(sha256('part onepart two'))).toBe(false);
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
      expect(await blobStored(digest)).toBe(false);
      expect((await req(`/v2/library/hostile/blobs/${digest}`, { method: 'HEAD' })).status).toBe(
        404,
      );
      expect((await req('/v2/')).status).toBe(200);
    });
  });
});

// DESIGN.md: any replica may continue an upload session; blobs may be served straight from S3.
describe('PostgreSQL + S3: two replicas sharing one database and bucket', () => {
  const backend = postgresS3();
  let first: RunningService;
  let second: RunningService;

  beforeAll(async () => {
    const env = {
      ...(await backend.setUp()),
      BERTH_HTTP_HOST: '127.0.0.1',
      BERTH_LOG_LEVEL: 'silent',
    };
    first = await startRegistry({ ...env, BERTH_HTTP_PORT: String(await freePort()) });
    second = await startRegistry({
      ...env,
      BERTH_HTTP_PORT: String(await freePort()),
      S3_PRESIGNED_REDIRECT: 'true',
    });
  });
  afterAll(async () => {
    await first?.app.close();
    await second?.app.close();
    await backend.tearDown();
  });

  const on = (svc: RunningService, p: string, init: RequestInit = {}): Promise<Response> =>
    fetch(new URL(p, svc.url), {
      redirect: 'manual',
      ...init,
      headers: { ...auth, ...(init.headers ?? {}) },
    });

  it('continues and completes on one replica an upload begun on the other', async () => {
    const repo = 'library/replicated';
    const bytes = randomBytes(6 * MIB + 17);
    const post = await on(first, `/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    expect(post.status).toBe(202);
    const loc = post.headers.get('location')!;
    const sizes = [1, 2 * MIB, 3, 3 * MIB, 64 * 1024];
    let offset = 0;
    for (const [i, size] of sizes.entries()) {
      const replica = i % 2 === 0 ? second : first;
      const res = await on(replica, loc, {
        method: 'PATCH',
        headers: { 'Content-Range': `${offset}-${offset + size - 1}` },
        body: bytes.subarray(offset, offset + size),
      });
      expect(res.status).toBe(202);
      offset += size;
      const other = replica === first ? second : first;
      expect((await on(other, loc)).headers.get('range')).toBe(`0-${offset - 1}`);
    }
    const digest = sha256(bytes);
    const put = await on(second, `${loc}?digest=${digest}`, {
      method: 'PUT',
      body: bytes.subarray(offset),
    });
    expect(put.status).toBe(201);
    expect((await on(first, loc)).status).toBe(404);
    const get = await on(first, `/v2/${repo}/blobs/${digest}`);
    expect(get.status).toBe(200);
    expect(Buffer.from(await get.arrayBuffer()).equals(bytes)).toBe(true);
    expect(await backend.hasObjectsUnder(`uploads/${loc.split('/').pop()!}`)).toBe(false);
  });

  it('keeps exactly one of two chunks sent to two replicas for the same offset', async () => {
    const repo = 'library/raced';
    const head = Buffer.from('head:');
    const post = await on(first, `/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    const loc = post.headers.get('location')!;
    expect((await on(first, loc, { method: 'PATCH', body: head })).status).toBe(202);
    const bodies = [randomBytes(2 * MIB), randomBytes(2 * MIB)];
    const results = await Promise.all(
      [first, second].map((replica, i) =>
        on(replica, loc, {
          method: 'PATCH',
          headers: { 'Content-Range': `${head.length}-${head.length + bodies[i].length - 1}` },
          body: bodies[i],
        }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 416]);
    const winner = bodies[results.findIndex((r) => r.status === 202)];
    const bytes = Buffer.concat([head, winner]);
    const put = await on(second, `${loc}?digest=${sha256(bytes)}`, { method: 'PUT' });
    expect(put.status).toBe(201);
    const get = await on(first, `/v2/${repo}/blobs/${sha256(bytes)}`);
    expect(Buffer.from(await get.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('redirects a blob GET to a presigned URL that serves the exact bytes without the token', async () => {
    const repo = 'library/presigned';
    const bytes = randomBytes(MIB + 5);
    const digest = sha256(bytes);
    const pushed = await on(first, `/v2/${repo}/blobs/uploads/?digest=${digest}`, {
      method: 'POST',
      body: bytes,
    });
    expect(pushed.status).toBe(201);
    const res = await on(second, `/v2/${repo}/blobs/${digest}`);
    expect(res.status).toBe(307);
    expect(res.headers.get('docker-content-digest')).toBe(digest);
    const location = res.headers.get('location')!;
    expect(new URL(location).origin).not.toBe(new URL(second.url).origin);
    const direct = await fetch(location);
    expect(direct.status).toBe(200);
    expect(Buffer.from(await direct.arrayBuffer()).equals(bytes)).toBe(true);
    // Without the redirect setting, and for ranges, the registry serves the bytes itself.
    expect((await on(first, `/v2/${repo}/blobs/${digest}`)).status).toBe(200);
    const part = await on(second, `/v2/${repo}/blobs/${digest}`, {
      headers: { Range: 'bytes=10-19' },
    });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(10, 20))).toBe(true);
    // HEAD describes the blob and never redirects; other repositories still cannot see it.
    const headRes = await on(second, `/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
    expect(headRes.status).toBe(200);
    expect(headRes.headers.get('content-length')).toBe(String(bytes.length));
    expect((await on(second, `/v2/library/elsewhere/blobs/${digest}`)).status).toBe(404);
  });
});
