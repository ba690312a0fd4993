import { createHash } from 'node:crypto';
import { parseManifest } from '@berth/oci';
import { describe, expect, it } from 'vitest';
import { buildSbomManifest, type SbomManifestInput } from './sbom-manifest';

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

const SUBJECT = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: 'sha256:3b5e0fd0c4d6a1e9f1c2b5a07a0b2c9d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b',
  size: 1337,
};
const DOCUMENT = Buffer.from(JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'team-a/web' }));

const input = (over: Partial<SbomManifestInput> = {}): SbomManifestInput => ({
  format: 'spdx-json',
  document: DOCUMENT,
  subject: SUBJECT,
  createdAt: new Date('2026-11-27T18:30:00.456Z'),
  ...over,
});

describe('buildSbomManifest', () => {
  it('stores an SPDX SBOM the way Harbor stores its SBOM accessory, as a referrer of the image', () => {
    const { manifest } = buildSbomManifest(input());
    expect(manifest).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/vnd.goharbor.harbor.sbom.v1',
      config: {
        mediaType: 'application/vnd.oci.empty.v1+json',
        digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
        size: 2,
      },
      layers: [
        {
          mediaType: 'application/spdx+json',
          digest: sha256(DOCUMENT),
          size: DOCUMENT.length,
          annotations: { 'org.opencontainers.image.title': 'sbom.spdx.json' },
        },
      ],
      subject: SUBJECT,
      annotations: {
        created: '2026-11-27T18:30:00Z',
        'created-by': 'Berth',
        'org.opencontainers.artifact.created': '2026-11-27T18:30:00Z',
        'org.opencontainers.artifact.description': 'SPDX JSON SBOM',
        'org.opencontainers.image.created': '2026-11-27T18:30:00Z',
      },
    });
  });

  it('returns manifest bytes, digest and blobs that agree with every descriptor', () => {
    const built = buildSbomManifest(input());
    expect(built.manifestDigest).toBe(sha256(built.manifestBytes));
    expect(JSON.parse(built.manifestBytes.toString('utf8'))).toEqual(built.manifest);
    expect(built.manifestMediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    const blobs = new Map(built.blobs.map((b) => [b.digest, b]));
    for (const descriptor of [built.manifest.config, ...built.manifest.layers]) {
      const blob = blobs.get(descriptor.digest);
      expect(blob, descriptor.digest).toBeDefined();
      expect(sha256(blob?.bytes ?? Buffer.alloc(0))).toBe(descriptor.digest);
      expect(blob?.bytes.length).toBe(descriptor.size);
      expect(blob?.mediaType).toBe(descriptor.mediaType);
    }
    expect(built.blobs).toHaveLength(2);
    expect(built.blobs[0].bytes.toString()).toBe('{}');
    expect(built.blobs[1].bytes.equals(DOCUMENT)).toBe(true);
  });

  it("passes the registry's own manifest checks as an accessory of its subject", () => {
    const built = buildSbomManifest(input());
    const parsed = parseManifest(built.manifestBytes, built.manifestMediaType);
    expect(parsed).toMatchObject({
      kind: 'image',
      artifactType: 'application/vnd.goharbor.harbor.sbom.v1',
      subject: SUBJECT,
    });
  });

  it('gives the same bytes and digest for the same input, and another digest for another subject', () => {
    const a = buildSbomManifest(input());
    const b = buildSbomManifest(input());
    expect(b.manifestBytes.equals(a.manifestBytes)).toBe(true);
    const other = buildSbomManifest(
      input({ subject: { ...SUBJECT, digest: `sha256:${'0'.repeat(64)}` } }),
    );
    expect(other.manifestDigest).not.toBe(a.manifestDigest);
  });

  it('stores a CycloneDX SBOM as a referrer typed by the CycloneDX media type', () => {
    const { manifest } = buildSbomManifest(input({ format: 'cyclonedx-json' }));
    expect(manifest.artifactType).toBe('application/vnd.cyclonedx+json');
    expect(manifest.layers[0]).toMatchObject({
      mediaType: 'application/vnd.cyclonedx+json',
      annotations: { 'org.opencontainers.image.title': 'sbom.cdx.json' },
    });
    expect(manifest.annotations['org.opencontainers.artifact.description']).toBe(
      'CycloneDX JSON SBOM',
    );
  });

  it('takes another artifact type and extra annotations when asked', () => {
    const { manifest } = buildSbomManifest(
      input({
        format: 'cyclonedx-json',
        artifactType: 'application/vnd.goharbor.harbor.sbom.v1',
        annotations: { 'created-by': 'Berth scanner 0.9.0', 'io.berth.scan-id': '42' },
      }),
    );
    expect(manifest.artifactType).toBe('application/vnd.goharbor.harbor.sbom.v1');
    expect(manifest.annotations).toMatchObject({
      'created-by': 'Berth scanner 0.9.0',
      'io.berth.scan-id': '42',
    });
  });

  it('refuses a subject or document that could not be pushed', () => {
    expect(() => buildSbomManifest(input({ subject: { ...SUBJECT, digest: 'latest' } }))).toThrow(
      /not a digest/,
    );
    expect(() => buildSbomManifest(input({ subject: { ...SUBJECT, size: -1 } }))).toThrow(
      /not a byte count/,
    );
    expect(() => buildSbomManifest(input({ document: Buffer.alloc(0) }))).toThrow(/empty/);
  });
});
