import { describe, expect, it } from 'vitest';
import {
  CYCLONEDX_JSON_MEDIA_TYPE,
  HARBOR_SBOM_ARTIFACT_TYPE,
  SPDX_JSON_MEDIA_TYPE,
} from './sbom-manifest';
import { buildSbomArtifacts, generatedSbomOf, sbomDocumentOf } from './sbom-documents';
import { cycloneDxValidator, spdxValidator } from './testing/sbom-validators';

const SUBJECT = {
  digest: `sha256:${'b'.repeat(64)}`,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 1234,
};

const source = () => ({
  repository: 'library/shop',
  subject: SUBJECT,
  os: { id: 'debian', versionId: '12' },
  packages: [
    {
      ecosystem: 'Debian:12',
      name: 'libexpat1',
      version: '2.5.0-1+deb12u1',
      sourceName: 'expat',
      arch: 'amd64',
      location: 'var/lib/dpkg/status',
    },
    {
      ecosystem: 'npm',
      name: 'lodash',
      version: '4.17.15',
      location: 'srv/app/node_modules/lodash',
    },
  ],
  generatedAt: new Date('2026-01-02T03:04:05Z'),
  toolVersion: '1.2.3',
});

describe('SBOM artifacts of an image', () => {
  it('builds a valid SPDX 2.3 and a valid CycloneDX 1.6 SBOM, each a referrer of the image', () => {
    const [spdx, cdx] = buildSbomArtifacts(source());
    expect(spdx.format).toBe('spdx-json');
    expect(cdx.format).toBe('cyclonedx-json');
    for (const { built } of [spdx, cdx]) expect(built.manifest.subject).toEqual(SUBJECT);
    expect(spdx.built.manifest.artifactType).toBe(HARBOR_SBOM_ARTIFACT_TYPE);
    expect(cdx.built.manifest.artifactType).toBe(CYCLONEDX_JSON_MEDIA_TYPE);

    const spdxDoc = JSON.parse(spdx.built.blobs[1].bytes.toString('utf8')) as unknown;
    const cdxDoc = JSON.parse(cdx.built.blobs[1].bytes.toString('utf8')) as unknown;
    const validSpdx = spdxValidator();
    const validCdx = cycloneDxValidator();
    expect(validSpdx(spdxDoc), JSON.stringify(validSpdx.errors)).toBe(true);
    expect(validCdx(cdxDoc), JSON.stringify(validCdx.errors)).toBe(true);
    expect(JSON.stringify(spdxDoc)).toContain('pkg:npm/lodash@4.17.15');
    expect(JSON.stringify(cdxDoc)).toContain('pkg:npm/lodash@4.17.15');
  });

  it('records what was pushed, and finds the document again in each SBOM manifest', () => {
    const artifacts = buildSbomArtifacts(source());
    const [spdx, cdx] = artifacts.map((a) => generatedSbomOf(a.format, a.built, 2));
    expect(spdx).toEqual({
      format: 'spdx-json',
      manifestDigest: artifacts[0].built.manifestDigest,
      artifactType: HARBOR_SBOM_ARTIFACT_TYPE,
      documentDigest: artifacts[0].built.blobs[1].digest,
      packages: 2,
    });
    expect(cdx.documentDigest).toBe(artifacts[1].built.blobs[1].digest);

    const content = (i: number) => artifacts[i].built.manifestBytes.toString('utf8');
    expect(sbomDocumentOf(HARBOR_SBOM_ARTIFACT_TYPE, content(0))).toEqual({
      digest: spdx.documentDigest,
      mediaType: SPDX_JSON_MEDIA_TYPE,
    });
    expect(sbomDocumentOf(CYCLONEDX_JSON_MEDIA_TYPE, content(1))).toEqual({
      digest: cdx.documentDigest,
      mediaType: CYCLONEDX_JSON_MEDIA_TYPE,
    });
  });

  it('finds no SBOM document in other artifacts', () => {
    const image = JSON.stringify({
      schemaVersion: 2,
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: SUBJECT.digest },
      ],
    });
    expect(sbomDocumentOf('application/vnd.oci.image.config.v1+json', image)).toBeUndefined();
    expect(sbomDocumentOf(null, image)).toBeUndefined();
    // An SBOM artifact type over a layer of another kind, or no JSON at all.
    expect(sbomDocumentOf(HARBOR_SBOM_ARTIFACT_TYPE, image)).toBeUndefined();
    expect(sbomDocumentOf(HARBOR_SBOM_ARTIFACT_TYPE, 'not json')).toBeUndefined();
  });
});
