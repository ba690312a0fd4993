import { describe, expect, it } from 'vitest';
import { harborArtifactType, indexChildren } from './artifact-view';

describe('Harbor artifact views', () => {
  it.each([
    [
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.oci.image.config.v1+json',
      'IMAGE',
    ],
    ['application/vnd.oci.image.index.v1+json', null, 'IMAGE'],
    [
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.cncf.helm.config.v1+json',
      'CHART',
    ],
    ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.example.sbom', 'UNKNOWN'],
  ] as const)('types %s with config %s as %s', (mediaType, artifactType, type) => {
    expect(harborArtifactType(mediaType, artifactType)).toBe(type);
  });

  it('lists the entries of an index only', () => {
    const content = JSON.stringify({
      manifests: [{ digest: 'sha256:a', platform: { os: 'linux' } }, { size: 1 }],
    });
    expect(
      indexChildren({ mediaType: 'application/vnd.oci.image.index.v1+json', content }),
    ).toEqual([{ digest: 'sha256:a', platform: { os: 'linux' } }]);
    expect(
      indexChildren({ mediaType: 'application/vnd.oci.image.manifest.v1+json', content }),
    ).toEqual([]);
  });
});
