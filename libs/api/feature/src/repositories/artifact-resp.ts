import {
  harborArtifactType,
  type AccessoryView,
  indexChildren,
  type ArtifactView,
  type RepositoryView,
  type TagView,
} from '@berth/artifacts/domain';

// Berth does not record pulls yet: Harbor's zero time and count.
export const NEVER = '0001-01-01T00:00:00.000Z';

/** Harbor's Repository model. */
export interface RepositoryResp {
  id: number;
  project_id: number;
  name: string;
  description: string;
  artifact_count: number;
  pull_count: number;
  creation_time: string;
  update_time: string;
}

export interface TagResp {
  repository_id: number;
  artifact_id: number;
  name: string;
  push_time: string;
  pull_time: string;
  immutable: boolean;
}

export interface ReferenceResp {
  parent_id: number;
  child_id: number;
  child_digest: string;
  platform?: Record<string, unknown>;
  annotations?: Record<string, string>;
  urls?: string[];
}

/** Harbor's Accessory model. */
export interface AccessoryResp {
  /** Berth keeps no accessory rows of its own: the accessory's artifact id. */
  id: number;
  artifact_id: number;
  /** 0 while the subject is not in the repository. */
  subject_artifact_id: number;
  /** The full name, `project/repo`. */
  subject_artifact_repo: string;
  subject_artifact_digest: string;
  size: number;
  digest: string;
  type: string;
  /** Berth serves no icons. */
  icon: string;
  creation_time: string;
}

/** Harbor's Artifact model. */
export interface ArtifactResp {
  id: number;
  type: string;
  media_type: string;
  manifest_media_type: string;
  /** The manifest's artifactType, else its config's media type; absent for an index. */
  artifact_type?: string;
  project_id: number;
  repository_id: number;
  /** The full name, `project/repo`. */
  repository_name: string;
  digest: string;
  size: number;
  push_time: string;
  pull_time: string;
  extra_attrs: Record<string, unknown>;
  annotations: Record<string, string>;
  references: ReferenceResp[];
  tags: TagResp[] | null;
  /** Only with `with_accessory=true`: the accessories whose subject is this artifact. */
  accessories?: AccessoryResp[];
}

export function toRepositoryResp(r: RepositoryView): RepositoryResp {
  return {
    id: r.id,
    project_id: r.projectId,
    name: r.name,
    description: r.description,
    artifact_count: r.artifactCount,
    pull_count: r.pullCount,
    creation_time: r.createdAt,
    update_time: r.updatedAt,
  };
}

export function toTagResp(t: TagView): TagResp {
  return {
    repository_id: t.repositoryId,
    artifact_id: t.manifestId,
    name: t.name,
    push_time: t.updatedAt,
    pull_time: NEVER,
    immutable: false,
  };
}

export function toAccessoryResp(a: AccessoryView, repositoryName: string): AccessoryResp {
  return {
    id: a.artifact.id,
    artifact_id: a.artifact.id,
    subject_artifact_id: a.subjectId ?? 0,
    subject_artifact_repo: repositoryName,
    subject_artifact_digest: a.subjectDigest,
    size: a.artifact.size,
    digest: a.artifact.digest,
    type: a.type,
    icon: '',
    creation_time: a.artifact.createdAt,
  };
}

export function toArtifactResp(
  a: ArtifactView,
  projectId: number,
  repositoryName: string,
  childIds: ReadonlyMap<string, number>,
  tags: TagView[] | undefined,
  accessories?: AccessoryView[],
): ArtifactResp {
  return {
    id: a.id,
    type: harborArtifactType(a.mediaType, a.artifactType),
    // Harbor's media_type is the config's; an index has none and repeats its own.
    media_type: a.artifactType ?? a.mediaType,
    manifest_media_type: a.mediaType,
    ...(a.artifactType !== null && { artifact_type: a.artifactType }),
    project_id: projectId,
    repository_id: a.repositoryId,
    repository_name: repositoryName,
    digest: a.digest,
    size: a.size,
    push_time: a.createdAt,
    pull_time: a.pullTime ?? NEVER,
    extra_attrs: {},
    annotations: a.annotations,
    references: indexChildren(a).map((c) => ({
      parent_id: a.id,
      child_id: childIds.get(c.digest) ?? 0,
      child_digest: c.digest,
      ...(c.platform && { platform: c.platform }),
      ...(c.annotations && { annotations: c.annotations }),
      ...(c.urls && { urls: c.urls }),
    })),
    tags: tags === undefined ? null : tags.filter((t) => t.manifestId === a.id).map(toTagResp),
    ...(accessories && {
      accessories: accessories
        .filter((x) => x.subjectDigest === a.digest)
        .map((x) => toAccessoryResp(x, repositoryName)),
    }),
  };
}
