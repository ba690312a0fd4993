import { describe, expect, it } from 'vitest';
import { isScannableImage, type GateManifest } from './scannable-artifact';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';

const manifest = (layerTypes: string[], extra: Partial<GateManifest> = {}): GateManifest => ({
  digest: 'sha256:' + 'a'.repeat(64),
  mediaType: OCI_MANIFEST,
  artifactType: OCI_CONFIG,
  subjectDigest: null,
  content: JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: 'sha256:' + 'b'.repeat(64), size: 2 },
    layers: layerTypes.map((mediaType, i) => ({
      mediaType,
      digest: `sha256:${String(i).repeat(64)}`,
      size: 1,
    })),
  }),
  ...extra,
});

describe('isScannableImage', () => {
  it('judges container images, whatever their layers', () => {
    expect(isScannableImage(manifest(['application/vnd.oci.image.layer.v1.tar+gzip']))).toBe(true);
    expect(
      isScannableImage(
        manifest(['application/vnd.docker.image.rootfs.diff.tar.gzip'], {
          mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          artifactType: 'application/vnd.docker.container.image.v1+json',
        }),
      ),
    ).toBe(true);
    // An odd layer type is no way around the gate.
    expect(isScannableImage(manifest(['application/x-anything']))).toBe(true);
  });

  it('leaves out indexes, accessories, signatures and other artifacts', () => {
    expect(
      isScannableImage(
        manifest([], { mediaType: 'application/vnd.oci.image.index.v1+json', artifactType: null }),
      ),
    ).toBe(false);
    expect(
      isScannableImage(
        manifest(['application/vnd.oci.image.layer.v1.tar'], {
          subjectDigest: 'sha256:' + 'c'.repeat(64),
        }),
      ),
    ).toBe(false);
    expect(isScannableImage(manifest(['application/vnd.dev.cosign.simplesigning.v1+json']))).toBe(
      false,
    );
    expect(
      isScannableImage(
        manifest(['application/vnd.cncf.helm.chart.content.v1.tar+gzip'], {
          artifactType: 'application/vnd.cncf.helm.config.v1+json',
        }),
      ),
    ).toBe(false);
  });
});
