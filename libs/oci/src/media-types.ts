/** Manifest media types the registry stores and serves (OCI image-spec 1.1 and Docker schema 2). */
export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

export type ManifestKind = 'image' | 'index';

const manifestKinds: Record<string, ManifestKind> = {
  [MediaType.ociManifest]: 'image',
  [MediaType.dockerManifest]: 'image',
  [MediaType.ociIndex]: 'index',
  [MediaType.dockerManifestList]: 'index',
};

/** 'image' or 'index' for a supported manifest media type, undefined otherwise. */
export function manifestKindOf(mediaType: string): ManifestKind | undefined {
  return Object.hasOwn(manifestKinds, mediaType) ? manifestKinds[mediaType] : undefined;
}

export const SUPPORTED_MANIFEST_MEDIA_TYPES: readonly string[] = Object.keys(manifestKinds);

/** The media type of a Content-Type header value: parameters dropped, lower-cased. */
export function bareMediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const bare = contentType.split(';', 1)[0].trim().toLowerCase();
  return bare === '' ? undefined : bare;
}
