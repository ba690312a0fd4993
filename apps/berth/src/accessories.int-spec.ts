import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '@berth/platform/runtime';
import { startTestBerth } from './testing/test-berth';

// Harbor's accessories through Berth's artifact API: manifests pushed with a `subject` (SBOMs,
// cosign signatures, anything `oras attach` pushes) shown under their subject, not on their own.

const ADMIN_PASSWORD = 'correct-horse-battery';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const EMPTY_CONFIG = 'application/vnd.oci.empty.v1+json';
const HARBOR_SBOM = 'application/vnd.goharbor.harbor.sbom.v1';
const COSIGN_SIGNATURE = 'application/vnd.dev.cosign.artifact.sig.v1+json';
const README = 'application/vnd.example.readme';
const REPO = 'acc/app';
const API_REPO = '/projects/acc/repositories/app';
const sha = (b: Buffer | string): string =>
  `sha256:${createHash('sha256').update(b).digest('hex')}`;
const auth = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}
interface AccessoryBody {
  id: number;
  artifact_id: number;
  subject_artifact_id: number;
  subject_artifact_repo: string;
  subject_artifact_digest: string;
  size: number;
  digest: string;
  type: string;
  icon: string;
  creation_time: string;
}
interface ArtifactBody {
  id: number;
  digest: string;
  accessories?: AccessoryBody[];
}

describe('Harbor accessories in the artifact API (registry + auth + api booted)', () => {
  let dataDir: string;
  let service: RunningService;
  let base: string;
  let image: Descriptor;
  let otherImage: Descriptor;
  let sbom: Descriptor;
  let signature: Descriptor;
  let readme: Descriptor;
  let sbomSignature: Descriptor;
  let orphan: Descriptor;
  const sbomDocument = { spdxVersion: 'SPDX-2.3', name: 'acc/app', packages: [] };

  const api = (method: string, p: string): Promise<Response> =>
    fetch(`${base}/api/v2.0${p}`, { method, headers: { authorization: auth } });
  const json = async <T>(res: Response): Promise<T> => {
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };
  const v2 = async (
    method: string,
    p: string,
    init: { headers?: Record<string, string>; body?: Buffer | string } = {},
  ): Promise<Response> => {
    const scope = encodeURIComponent(`repository:${REPO}:pull,push,delete`);
    const tokenRes = await fetch(`${base}/service/token?service=berth-registry&scope=${scope}`, {
      headers: { authorization: auth },
    });
    const { token } = (await tokenRes.json()) as { token: string };
    return fetch(`${base}/v2/${REPO}/${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...init.headers },
      body: init.body,
    });
  };
  const putBlob = async (mediaType: string, data: Buffer | string): Promise<Descriptor> => {
    const bytes = Buffer.from(data);
    const digest = sha(bytes);
    const res = await v2('POST', `blobs/uploads/?digest=${digest}`, {
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(res.status).toBe(201);
    return { mediaType, digest, size: bytes.length };
  };
  /** Pushes an OCI manifest by `tag`, else by its digest. */
  const putManifest = async (manifest: object, tag?: string): Promise<Descriptor> => {
    const body = JSON.stringify(manifest);
    const res = await v2('PUT', `manifests/${tag ?? sha(body)}`, {
      headers: { 'content-type': OCI_MANIFEST },
      body,
    });
    expect(res.status).toBe(201);
    return { mediaType: OCI_MANIFEST, digest: sha(body), size: Buffer.byteLength(body) };
  };
  const pushImage = async (name: string, tag: string): Promise<Descriptor> =>
    putManifest(
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: await putBlob(
          'application/vnd.oci.image.config.v1+json',
          JSON.stringify({ architecture: 'amd64', os: 'linux', name }),
        ),
        layers: [await putBlob('application/vnd.oci.image.layer.v1.tar', `layer of ${name}`)],
      },
      tag,
    );
  /** What `oras attach` / `cosign … --registry-referrers-mode=oci-1-1` push: one layer, a subject. */
  const attach = async (
    subject: Descriptor,
    artifactType: string,
    layer: Descriptor,
    tag?: string,
  ): Promise<Descriptor> =>
    putManifest(
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType,
        config: await putBlob(EMPTY_CONFIG, '{}'),
        layers: [layer],
        subject,
      },
      tag,
    );

  beforeAll(async () => {
    ({ service, base, dataDir } = await startTestBerth('berth-accessories-', ADMIN_PASSWORD));
    const created = await fetch(`${base}/api/v2.0/projects`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ project_name: 'acc', metadata: { public: 'false' } }),
    });
    expect(created.status).toBe(201);
    otherImage = await pushImage('other', 'other');
    image = await pushImage('app', 'v1');
    sbom = await attach(
      image,
      HARBOR_SBOM,
      await putBlob('application/spdx+json', JSON.stringify(sbomDocument)),
    );
    // cosign's tag convention on top of the subject, as older clients also read it.
    signature = await attach(
      image,
      COSIGN_SIGNATURE,
      await putBlob('application/vnd.dev.cosign.simplesigning.v1+json', '{"critical":{}}'),
      `${image.digest.replace(':', '-')}.sig`,
    );
    readme = await attach(image, README, await putBlob('text/markdown', '# app'));
    sbomSignature = await attach(
      sbom,
      COSIGN_SIGNATURE,
      await putBlob('application/vnd.dev.cosign.simplesigning.v1+json', '{"sbom":true}'),
    );
    // Pushed before (or without) its subject, as OCI allows.
    orphan = await attach(
      { mediaType: OCI_MANIFEST, digest: sha('never pushed'), size: 12 },
      README,
      await putBlob('text/markdown', '# orphan'),
    );
  });
  afterAll(async () => {
    await service?.app.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists only artifacts that are no accessory, with counts that agree', async () => {
    const res = await api('GET', `${API_REPO}/artifacts?page=1&page_size=1`);
    const first = await json<ArtifactBody[]>(res);
    expect(res.headers.get('x-total-count')).toBe('2');
    expect(res.headers.get('link')).toContain('rel="next"');
    const second = await json<ArtifactBody[]>(
      await api('GET', `${API_REPO}/artifacts?page=2&page_size=1`),
    );
    expect([...first, ...second].map((a) => a.digest).sort()).toEqual(
      [image.digest, otherImage.digest].sort(),
    );
    // Asking for untagged artifacts finds none of the untagged accessories either.
    const untagged = await api('GET', `${API_REPO}/artifacts?q=${encodeURIComponent('tags=nil')}`);
    expect(await json<ArtifactBody[]>(untagged)).toEqual([]);
    expect(untagged.headers.get('x-total-count')).toBe('0');
    const repository = await json<{ artifact_count: number }>(await api('GET', API_REPO));
    expect(repository.artifact_count).toBe(2);
    expect(first[0]).not.toHaveProperty('accessories');
  });

  it('adds the accessories of each artifact with_accessory, typed as Harbor types them', async () => {
    const listed = await json<ArtifactBody[]>(
      await api('GET', `${API_REPO}/artifacts?with_accessory=true`),
    );
    const byDigest = new Map(listed.map((a) => [a.digest, a]));
    const app = byDigest.get(image.digest)!;
    expect(byDigest.get(otherImage.digest)!.accessories).toEqual([]);
    const types = Object.fromEntries(app.accessories!.map((a) => [a.digest, a.type]));
    // One level: the SBOM's own signature is not the image's.
    expect(types).toEqual({
      [sbom.digest]: 'sbom.harbor',
      [signature.digest]: 'signature.cosign',
      [readme.digest]: 'subject.accessory',
    });
    const sbomEntry = app.accessories!.find((a) => a.digest === sbom.digest)!;
    expect(sbomEntry).toEqual({
      id: expect.any(Number),
      artifact_id: expect.any(Number),
      subject_artifact_id: app.id,
      subject_artifact_repo: REPO,
      subject_artifact_digest: image.digest,
      size: sbom.size,
      digest: sbom.digest,
      type: 'sbom.harbor',
      icon: '',
      creation_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const got = await json<ArtifactBody>(
      await api('GET', `${API_REPO}/artifacts/v1?with_accessory=true`),
    );
    expect(got.accessories!.map((a) => a.digest).sort()).toEqual(
      [sbom.digest, signature.digest, readme.digest].sort(),
    );
    expect((await api('GET', `${API_REPO}/artifacts/v1?with_accessory=maybe`)).status).toBe(400);
  });

  it('reads an accessory by its own digest, with its own accessories and its SBOM', async () => {
    const got = await json<ArtifactBody & { artifact_type: string }>(
      await api('GET', `${API_REPO}/artifacts/${sbom.digest}?with_accessory=true`),
    );
    expect(got.artifact_type).toBe(HARBOR_SBOM);
    expect(got.accessories!.map((a) => [a.digest, a.type, a.subject_artifact_digest])).toEqual([
      [sbomSignature.digest, 'signature.cosign', sbom.digest],
    ]);
    expect(
      await json(await api('GET', `${API_REPO}/artifacts/${sbom.digest}/additions/sbom`)),
    ).toEqual(sbomDocument);
    const lone = await json<ArtifactBody>(
      await api('GET', `${API_REPO}/artifacts/${orphan.digest}`),
    );
    expect(lone.digest).toBe(orphan.digest);
  });

  it('pages and filters the accessories of an artifact', async () => {
    const path = `${API_REPO}/artifacts/${image.digest}/accessories`;
    const first = await api('GET', `${path}?page=1&page_size=2`);
    const page1 = await json<AccessoryBody[]>(first);
    expect(first.headers.get('x-total-count')).toBe('3');
    expect(first.headers.get('link')).toContain('rel="next"');
    const page2 = await json<AccessoryBody[]>(await api('GET', `${path}?page=2&page_size=2`));
    expect(page1).toHaveLength(2);
    expect([...page1, ...page2].map((a) => a.digest).sort()).toEqual(
      [sbom.digest, signature.digest, readme.digest].sort(),
    );
    const signatures = await api('GET', `${path}?q=${encodeURIComponent('type=signature.cosign')}`);
    expect((await json<AccessoryBody[]>(signatures)).map((a) => a.digest)).toEqual([
      signature.digest,
    ]);
    expect(signatures.headers.get('x-total-count')).toBe('1');
    const bySize = await json<AccessoryBody[]>(await api('GET', `${path}?sort=size`));
    expect(bySize.map((a) => a.size)).toEqual([...bySize.map((a) => a.size)].sort((x, y) => x - y));
    expect((await api('GET', `${path}?q=${encodeURIComponent('size=1')}`)).status).toBe(400);
    const none = await api('GET', `${API_REPO}/artifacts/other/accessories`);
    expect(await json<AccessoryBody[]>(none)).toEqual([]);
    expect(none.headers.get('x-total-count')).toBe('0');
    expect((await api('GET', `${API_REPO}/artifacts/missing/accessories`)).status).toBe(404);
  });

  it('deletes an artifact with its accessories and theirs, leaving the rest', async () => {
    expect((await api('DELETE', `${API_REPO}/artifacts/v1`)).status).toBe(200);
    for (const gone of [image, sbom, signature, readme, sbomSignature]) {
      expect((await api('GET', `${API_REPO}/artifacts/${gone.digest}`)).status).toBe(404);
      expect((await v2('HEAD', `manifests/${gone.digest}`)).status).toBe(404);
    }
    const tags = await json<{ tags: string[] }>(await v2('GET', 'tags/list'));
    expect(tags.tags).toEqual(['other']);
    const res = await api('GET', `${API_REPO}/artifacts`);
    expect((await json<ArtifactBody[]>(res)).map((a) => a.digest)).toEqual([otherImage.digest]);
    expect(res.headers.get('x-total-count')).toBe('1');
    expect((await api('GET', `${API_REPO}/artifacts/${orphan.digest}`)).status).toBe(200);
  });
});
