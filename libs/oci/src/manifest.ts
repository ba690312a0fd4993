import { parseDigest } from './digest';
import { OciError } from './errors';
import { MediaType, bareMediaType, manifestKindOf, type ManifestKind } from './media-types';

/** Manifests larger than this are refused, as the distribution spec lets registries do. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  urls?: string[];
}

/** What the registry needs to know of a manifest it stores; the bytes themselves are kept as pushed. */
export interface ParsedManifest {
  kind: ManifestKind;
  mediaType: string;
  config?: Descriptor;
  layers: Descriptor[];
  manifests: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}

const invalid = (message: string, detail?: unknown): OciError =>
  new OciError('MANIFEST_INVALID', message, detail);

/**
 * Checks a pushed manifest: UTF-8 JSON object, schema 2, a supported media type agreeing with
 * Content-Type, and well-formed descriptors. Throws OciError MANIFEST_INVALID (or SIZE_INVALID).
 */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined): ParsedManifest {
  if (bytes.byteLength > MAX_MANIFEST_BYTES)
    throw new OciError('SIZE_INVALID', `manifest exceeds ${MAX_MANIFEST_BYTES} bytes`);
  let doc: unknown;
  try {
    // Fatal decoding: only valid UTF-8 is accepted, so the text round-trips byte for byte.
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes));
  } catch {
    throw invalid('manifest is not valid UTF-8 JSON');
  }
  if (!isRecord(doc)) throw invalid('manifest is not a JSON object');

  const declared = doc['mediaType'];
  if (declared !== undefined && typeof declared !== 'string')
    throw invalid('mediaType must be a string');
  const header = bareMediaType(contentType);
  if (
    declared === MediaType.dockerSchema1 ||
    declared === MediaType.dockerSchema1Signed ||
    header === MediaType.dockerSchema1 ||
    header === MediaType.dockerSchema1Signed ||
    doc['schemaVersion'] === 1
  )
    throw invalid('Docker schema 1 manifests are not supported');
  if (doc['schemaVersion'] !== 2) throw invalid('schemaVersion must be 2');
  if (declared !== undefined && header !== undefined && declared !== header)
    throw invalid(`Content-Type ${header} does not match the manifest's mediaType ${declared}`);

  const hasManifests = doc['manifests'] !== undefined;
  const hasImageFields = doc['layers'] !== undefined || doc['config'] !== undefined;
  if (hasManifests && hasImageFields)
    throw invalid('a manifest cannot have both manifests and config/layers');

  const mediaType =
    declared ?? header ?? (hasManifests ? MediaType.ociIndex : MediaType.ociManifest);
  const kind = manifestKindOf(mediaType);
  if (!kind) throw invalid(`unsupported manifest media type ${mediaType}`);

  const subject = doc['subject'] === undefined ? undefined : descriptor(doc['subject'], 'subject');
  const artifactType = optionalString(doc['artifactType'], 'artifactType');
  const annotations = stringMap(doc['annotations'], 'annotations');
  if (kind === 'index') {
    if (hasImageFields) throw invalid(`${mediaType} cannot have config or layers`);
    const list = doc['manifests'];
    if (!Array.isArray(list)) throw invalid('manifests must be an array');
    return {
      kind,
      mediaType,
      layers: [],
      manifests: list.map((d, i) => descriptor(d, `manifests[${i}]`)),
      subject,
      artifactType,
      annotations,
    };
  }
  if (hasManifests) throw invalid(`${mediaType} cannot have manifests`);
  if (doc['config'] === undefined) throw invalid('config is required');
  const layers = doc['layers'] ?? [];
  if (!Array.isArray(layers)) throw invalid('layers must be an array');
  return {
    kind,
    mediaType,
    config: descriptor(doc['config'], 'config'),
    layers: layers.map((d, i) => descriptor(d, `layers[${i}]`)),
    manifests: [],
    subject,
    artifactType,
    annotations,
  };
}

function descriptor(value: unknown, where: string): Descriptor {
  if (!isRecord(value)) throw invalid(`${where} must be a descriptor object`);
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string' || mediaType === '')
    throw invalid(`${where}.mediaType must be a non-empty string`);
  if (typeof digest !== 'string' || !parseDigest(digest))
    throw invalid(`${where}.digest is not a valid digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw invalid(`${where}.size must be a non-negative integer`);
  const urls = value['urls'];
  if (urls !== undefined && (!Array.isArray(urls) || !urls.every((u) => typeof u === 'string')))
    throw invalid(`${where}.urls must be an array of strings`);
  return {
    mediaType,
    digest,
    size,
    artifactType: optionalString(value['artifactType'], `${where}.artifactType`),
    annotations: stringMap(value['annotations'], `${where}.annotations`),
    ...(urls === undefined ? {} : { urls: urls as string[] }),
  };
}

function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${where} must be a string`);
  return value;
}

function stringMap(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'string'))
    throw invalid(`${where} must map strings to strings`);
  return value as Record<string, string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
