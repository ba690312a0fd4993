import { describe, expect, it } from 'vitest';
import { isScannable } from './scannable';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

describe('what the built-in scanner scans', () => {
  it.each([
    ['an OCI image', OCI_MANIFEST, 'application/vnd.oci.image.config.v1+json', null, true],
    [
      'a Docker image',
      'application/vnd.docker.distribution.manifest.v2+json',
      'application/vnd.docker.container.image.v1+json',
      null,
      true,
    ],
    ['an OCI index', OCI_INDEX, null, null, true],
    [
      'a Docker manifest list',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      null,
      null,
      true,
    ],
    ['a Helm chart', OCI_MANIFEST, 'application/vnd.cncf.helm.config.v1+json', null, false],
    [
      'a cosign signature',
      OCI_MANIFEST,
      'application/vnd.dev.cosign.artifact.sig.v1+json',
      'sha256:s',
      false,
    ],
    ['an SBOM accessory', OCI_MANIFEST, 'application/spdx+json', 'sha256:s', false],
    [
      'an image with a subject',
      OCI_MANIFEST,
      'application/vnd.oci.image.config.v1+json',
      'sha256:s',
      false,
    ],
    ['an index with an artifactType', OCI_INDEX, 'application/vnd.example.bundle', null, false],
  ])('%s: %s', (_what, mediaType, artifactType, subjectDigest, scanned) => {
    expect(isScannable({ mediaType, artifactType, subjectDigest })).toBe(scanned);
  });
});
