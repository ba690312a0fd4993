import { manifestKindOf } from '@berth/oci';

/** A repository row with what Harbor's Repository model counts. */
export interface RepositoryView {
  id: number;
  projectId: number;
  /** The full name, `project/repo[/...]`. */
  name: string;
  description: string;
  artifactCount: number;
  /** Pulls of its artifacts, as counted from pull events. */
  pullCount: number;
  createdAt: string;
  /** The latest push into the repository or change of its description, else its creation. */
  updatedAt: string;
}

/** A manifest of a repository, as stored by the registry. */
export interface ArtifactView {
  id: number;
  repositoryId: number;
  digest: string;
  mediaType: string;
  /** `artifactType`, else the config's media type; null for an index. */
  artifactType: string | null;
  /** The manifest's `subject`: set for Harbor's accessories (signatures, SBOMs, attached files). */
  subjectDigest: string | null;
  annotations: Record<string, string>;
  size: number;
  content: string;
  createdAt: string;
  /** The latest pull, from pull events; null if never pulled. */
  pullTime: string | null;
}

export interface TagView {
  repositoryId: number;
  manifestId: number;
  name: string;
  updatedAt: string;
}

/** One entry of an index: what Harbor's `references` lists. */
export interface IndexChild {
  digest: string;
  platform?: Record<string, unknown>;
  annotations?: Record<string, string>;
  urls?: string[];
}

export type HarborArtifactType = 'IMAGE' | 'CHART' | 'UNKNOWN';

const IMAGE_CONFIGS = new Set([
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
]);
const CHART_CONFIG = 'application/vnd.cncf.helm.config.v1+json';

/** Harbor's artifact type: an image (or an index of images), a Helm chart, or anything else. */
export function harborArtifactType(
  manifestMediaType: string,
  artifactType: string | null,
): HarborArtifactType {
  if (artifactType === null) return manifestKindOf(manifestMediaType) ? 'IMAGE' : 'UNKNOWN';
  if (IMAGE_CONFIGS.has(artifactType)) return 'IMAGE';
  if (artifactType === CHART_CONFIG) return 'CHART';
  return 'UNKNOWN';
}

/** The entries of an index manifest; none for anything else. */
export function indexChildren(artifact: Pick<ArtifactView, 'mediaType' | 'content'>): IndexChild[] {
  if (manifestKindOf(artifact.mediaType) !== 'index') return [];
  const parsed = JSON.parse(artifact.content) as { manifests?: unknown };
  if (!Array.isArray(parsed.manifests)) return [];
  return parsed.manifests.flatMap((m: unknown) => {
    if (typeof m !== 'object' || m === null) return [];
    const d = m as Record<string, unknown>;
    if (typeof d.digest !== 'string') return [];
    return [
      {
        digest: d.digest,
        ...(isObject(d.platform) && { platform: d.platform }),
        ...(isObject(d.annotations) && { annotations: d.annotations as Record<string, string> }),
        ...(Array.isArray(d.urls) && { urls: d.urls.filter((u) => typeof u === 'string') }),
      },
    ];
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
