import { describe, expect, it } from 'vitest';
import { MAX_MANIFEST_BYTES, MediaType, OciError, parseManifest } from './index';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const desc = (mediaType: string, c = 'a') => ({ mediaType, digest: d(c), size: 1 });
const bytes = (doc: unknown) => Buffer.from(JSON.stringify(doc));
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof OciError ? e.code : 'not an OciError';
  }
  return undefined;
};

const image = (mediaType: string) => ({
  schemaVersion: 2,
  mediaType,
  config: desc('application/vnd.oci.image.config.v1+json'),
  layers: [desc('application/vnd.oci.image.layer.v1.tar', 'b')],
});
const index = (mediaType: string) => ({
  schemaVersion: 2,
  mediaType,
  manifests: [desc(MediaType.ociManifest, 'c')],
});

describe('parseManifest', () => {
  it.each([
    [MediaType.ociManifest, image(MediaType.ociManifest), 'image'],
    [MediaType.dockerManifest, image(MediaType.dockerManifest), 'image'],
    [MediaType.ociIndex, index(MediaType.ociIndex), 'index'],
    [MediaType.dockerManifestList, index(MediaType.dockerManifestList), 'index'],
  ])('accepts %s', (type, doc, kind) => {
    const parsed = parseManifest(bytes(doc), `${type}; charset=utf-8`);
    expect(parsed.kind).toBe(kind);
    expect(parsed.mediaType).toBe(type);
  });

  it('takes the media type from Content-Type when the document has none, and reads subject and artifactType', () => {
    const { mediaType: _omit, ...doc } = image(MediaType.ociManifest);
    const parsed = parseManifest(
      bytes({ ...doc, artifactType: 'x/y', subject: desc(MediaType.ociManifest, 'e') }),
      MediaType.ociManifest,
    );
    expect(parsed).toMatchObject({
      mediaType: MediaType.ociManifest,
      artifactType: 'x/y',
      subject: { digest: d('e') },
    });
  });

  it.each([
    [
      'both manifests and layers',
      bytes({ ...image(MediaType.ociManifest), manifests: [] }),
      MediaType.ociManifest,
      'MANIFEST_INVALID',
    ],
    [
      'schema 1',
      bytes({ schemaVersion: 1, fsLayers: [] }),
      MediaType.dockerSchema1Signed,
      'MANIFEST_INVALID',
    ],
    [
      'Content-Type mismatch',
      bytes(image(MediaType.ociManifest)),
      MediaType.ociIndex,
      'MANIFEST_INVALID',
    ],
    ['invalid JSON', Buffer.from('{nope'), MediaType.ociManifest, 'MANIFEST_INVALID'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), MediaType.ociManifest, 'MANIFEST_INVALID'],
    ['a JSON array', bytes([]), MediaType.ociManifest, 'MANIFEST_INVALID'],
    [
      'an unknown media type',
      bytes({ ...image('application/x-foo') }),
      undefined,
      'MANIFEST_INVALID',
    ],
    [
      'a bad descriptor digest',
      bytes({ ...image(MediaType.ociManifest), config: { ...desc('x'), digest: 'sha256:zz' } }),
      undefined,
      'MANIFEST_INVALID',
    ],
    [
      'a negative size',
      bytes({ ...image(MediaType.ociManifest), layers: [{ ...desc('x'), size: -1 }] }),
      undefined,
      'MANIFEST_INVALID',
    ],
    [
      'an image without config',
      bytes({ schemaVersion: 2, mediaType: MediaType.ociManifest, layers: [] }),
      undefined,
      'MANIFEST_INVALID',
    ],
    [
      'an index with layers',
      bytes({ ...index(MediaType.ociIndex), layers: [] }),
      undefined,
      'MANIFEST_INVALID',
    ],
    [
      'more than 4 MiB',
      Buffer.alloc(MAX_MANIFEST_BYTES + 1, 32),
      MediaType.ociManifest,
      'SIZE_INVALID',
    ],
  ])('refuses %s', (_name, body, contentType, code) => {
    expect(codeOf(() => parseManifest(body, contentType))).toBe(code);
  });
});
