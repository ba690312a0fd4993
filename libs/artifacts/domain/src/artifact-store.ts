import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '@berth/contracts';
import { applyListQuery, type ListColumns, type ListQuery, type Paging } from '@berth/api/domain';
import { OutboxWriter, createEvent } from '@berth/platform/messaging';
import { harborAccessoryType, type AccessoryView } from './accessory-view';
import {
  indexChildren,
  type ArtifactView,
  type RepositoryView,
  type TagView,
} from './artifact-view';

/*
 * Why a shared lib reads and writes the registry's tables: the API (scope:api) may not import
 * the registry (scope:registry), and a port would need every app to wire the registry's
 * implementation in. The tables are the contract, as ProjectRepositoryCountQuery already reads
 * them; writes repeat the registry's own (tags with their manifest, `artifact.deleted` in the
 * same transaction), and blobs are left to garbage collection as the registry's DELETE does.
 */

/** What announces a deletion made through the API. */
export const API_EVENT_SOURCE = 'api';

export const REPOSITORY_LIST_COLUMNS: ListColumns = {
  name: 'r.name',
  creation_time: 'r.created_at',
  id: 'r.repository_id',
};

/**
 * Harbor's artifact filters: `digest`, `media_type`, `push_time` ranges, and `tags` — `tags=nil`
 * for untagged artifacts, `tags=*` for tagged ones, otherwise artifacts holding that tag.
 */
export const ARTIFACT_LIST_COLUMNS: ListColumns = {
  digest: 'm.digest',
  media_type: 'm.media_type',
  push_time: 'm.created_at',
  tags: (condition, param) => {
    const tagged = (extra: string): string =>
      `EXISTS (SELECT 1 FROM tag t WHERE t.repository_id = m.repository_id AND t.manifest_id = m.manifest_id${extra})`;
    if (condition.kind !== 'exact' && condition.kind !== 'or')
      throw new Error(`tags filter of kind ${condition.kind} is not offered`);
    const values = condition.kind === 'exact' ? [condition.value] : condition.values;
    return values
      .map((v) =>
        v === 'nil'
          ? `NOT ${tagged('')}`
          : v === '*'
            ? tagged('')
            : tagged(` AND t.name = ${param(String(v))}`),
      )
      .join(' OR ');
  },
};

/** Pulls gathered over a moment: per repository a count, per artifact the latest pull. */
export interface PullTally {
  repositories: Map<string, number>;
  artifacts: Map<string, { repository: string; digest: string; at: string }>;
}

export type ArtifactReference = { kind: 'digest'; digest: string } | { kind: 'tag'; tag: string };

interface RepositoryRow {
  id: number | string;
  project_id: number | string;
  name: string;
  description: string | null;
  created_at: string;
  artifact_count: number | string;
  pushed_at: string | null;
  updated_at: string | null;
  pull_count: number | string | null;
}

interface ManifestRow {
  manifest_id: number | string;
  repository_id: number | string;
  digest: string;
  media_type: string;
  artifact_type: string | null;
  subject_digest: string | null;
  annotations: string | null;
  size: number | string;
  content: string;
  created_at: string;
  pull_time: string | null;
}

const MANIFEST_SELECT = [
  'm.manifest_id AS manifest_id',
  'm.repository_id AS repository_id',
  'm.digest AS digest',
  'm.media_type AS media_type',
  'm.artifact_type AS artifact_type',
  'm.subject_digest AS subject_digest',
  'm.annotations AS annotations',
  'm.size AS size',
  'm.content AS content',
  'm.created_at AS created_at',
  'm.pull_time AS pull_time',
];

const INDEX_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

/** The registry's repositories, manifests (Harbor's artifacts) and tags, for the management API. */
@Injectable()
export class ArtifactStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async listRepositories(
    projectId: number,
    query: ListQuery,
    paging: Paging,
  ): Promise<{ repositories: RepositoryView[]; total: number }> {
    const qb = this.repositoryQuery().where('r.project_id = :projectId', { projectId });
    applyListQuery(qb, query, REPOSITORY_LIST_COLUMNS);
    const counted = await qb
      .clone()
      .select('COUNT(*)', 'n')
      .orderBy()
      .getRawOne<{ n: number | string }>();
    if (query.sorts.length === 0) qb.orderBy('r.repository_id', 'DESC');
    else qb.addOrderBy('r.repository_id', 'DESC');
    const rows = await qb.offset(paging.offset).limit(paging.limit).getRawMany<RepositoryRow>();
    return { repositories: rows.map(toRepositoryView), total: Number(counted?.n ?? 0) };
  }

  /**
   * Adds pulls to repositories' counts and moves artifacts' pull times forward, never back
   * (events may arrive out of order), in one transaction. A repository or manifest deleted
   * meanwhile is simply not there to update.
   */
  async recordPulls(pulls: PullTally): Promise<void> {
    if (pulls.repositories.size === 0 && pulls.artifacts.size === 0) return;
    const p = (i: number): string => this.dataSource.driver.createParameter(`p${i}`, i);
    await this.dataSource.transaction(async (em) => {
      for (const [repository, count] of pulls.repositories)
        await em.query(
          `UPDATE "repository" SET pull_count = pull_count + ${p(0)} WHERE name = ${p(1)}`,
          [count, repository],
        );
      for (const { repository, digest, at } of pulls.artifacts.values())
        await em.query(
          `UPDATE "manifest" SET pull_time = ${p(0)} WHERE digest = ${p(1)} AND repository_id IN ` +
            `(SELECT r.repository_id FROM "repository" r WHERE r.name = ${p(2)}) ` +
            `AND (pull_time IS NULL OR pull_time < ${p(3)})`,
          [at, digest, repository, at],
        );
    });
  }

  /** The repository of this full name, only if it belongs to the project. */
  async findRepository(projectId: number, name: string): Promise<RepositoryView | null> {
    const row = await this.repositoryQuery()
      .where('r.project_id = :projectId AND r.name = :name', { projectId, name })
      .getRawOne<RepositoryRow>();
    return row ? toRepositoryView(row) : null;
  }

  /** Repositories whose name contains `name`, in the given projects. */
  async searchRepositories(
    projectIds: number[],
    name: string,
    limit: number,
  ): Promise<RepositoryView[]> {
    if (projectIds.length === 0) return [];
    const rows = await this.repositoryQuery()
      .where('r.project_id IN (:...projectIds)', { projectIds })
      .andWhere("LOWER(r.name) LIKE LOWER(:name) ESCAPE '\\'", {
        name: `%${name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      })
      .orderBy('r.name', 'ASC')
      .limit(limit)
      .getRawMany<RepositoryRow>();
    return rows.map(toRepositoryView);
  }

  /** Sets Harbor's repository description, which moves its update time. */
  async updateRepositoryDescription(
    repository: RepositoryView,
    description: string,
  ): Promise<void> {
    // Column names, not entity properties: the API app has no entity for the registry's table.
    const p = (i: number): string => this.dataSource.driver.createParameter(`p${i}`, i);
    await this.dataSource.query(
      `UPDATE "repository" SET description = ${p(0)}, updated_at = ${p(1)} WHERE repository_id = ${p(2)}`,
      [description, new Date().toISOString(), repository.id],
    );
  }

  /** Deletes the repository's tags, manifests (each announced as `artifact.deleted`) and the repository. */
  async deleteRepository(repository: RepositoryView, actor?: Actor): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const manifests = (await em
        .createQueryBuilder()
        .select(['m.digest AS digest', 'm.media_type AS media_type'])
        .from('manifest', 'm')
        .where('m.repository_id = :id', { id: repository.id })
        .orderBy('m.manifest_id', 'ASC')
        .getRawMany()) as Array<{ digest: string; media_type: string }>;
      for (const table of ['tag', 'manifest', 'repository_blob', 'upload_session', 'repository'])
        await this.deleteWhere(em, table, 'repository_id', repository.id);
      for (const m of manifests)
        await this.announceDeleted(em, repository.name, m.digest, m.media_type, actor);
    });
  }

  /**
   * A page of the repository's artifacts, newest first. Entries of an index are listed under the
   * index (`references`), and accessories (manifests with a subject) under their subject, not on
   * their own, as Harbor does; Harbor hides an accessory whose subject is not (yet) there too.
   */
  async listArtifacts(
    repositoryId: number,
    paging: Paging,
    query: ListQuery = { filters: [], sorts: [] },
  ): Promise<{ artifacts: ArtifactView[]; total: number }> {
    const indexes = await this.manifestQuery()
      .where('m.repository_id = :repositoryId', { repositoryId })
      .andWhere('m.media_type IN (:...types)', { types: INDEX_MEDIA_TYPES })
      .getRawMany<ManifestRow>();
    const children = [
      ...new Set(indexes.flatMap((i) => indexChildren(toArtifactView(i))).map((c) => c.digest)),
    ];
    const qb = this.manifestQuery()
      .where('m.repository_id = :repositoryId', { repositoryId })
      .andWhere('m.subject_digest IS NULL');
    if (children.length > 0) qb.andWhere('m.digest NOT IN (:...children)', { children });
    applyListQuery(qb, query, ARTIFACT_LIST_COLUMNS);
    const counted = await qb
      .clone()
      .select('COUNT(*)', 'n')
      .orderBy()
      .getRawOne<{ n: number | string }>();
    if (query.sorts.length === 0) qb.orderBy('m.created_at', 'DESC');
    const rows = await qb
      .addOrderBy('m.manifest_id', 'DESC')
      .offset(paging.offset)
      .limit(paging.limit)
      .getRawMany<ManifestRow>();
    return { artifacts: rows.map(toArtifactView), total: Number(counted?.n ?? 0) };
  }

  /** The artifact a digest or tag names, only within the repository. */
  async findArtifact(
    repositoryId: number,
    reference: ArtifactReference,
  ): Promise<ArtifactView | null> {
    const qb = this.manifestQuery().where('m.repository_id = :repositoryId', { repositoryId });
    if (reference.kind === 'digest')
      qb.andWhere('m.digest = :digest', { digest: reference.digest });
    else
      qb.innerJoin(
        'tag',
        't',
        't.manifest_id = m.manifest_id AND t.repository_id = m.repository_id',
      ).andWhere('t.name = :tag', { tag: reference.tag });
    const row = await qb.getRawOne<ManifestRow>();
    return row ? toArtifactView(row) : null;
  }

  /**
   * The accessories of these artifacts: the repository's manifests whose subject is one of them,
   * newest first. Only one level, as Harbor lists them; an accessory's own accessories are
   * asked for with the accessory as the subject.
   */
  async accessoriesOf(subjects: ArtifactView[]): Promise<AccessoryView[]> {
    if (subjects.length === 0) return [];
    const ids = new Map(subjects.map((s) => [s.digest, s.id]));
    const rows = await this.manifestQuery()
      .where('m.repository_id = :repositoryId', { repositoryId: subjects[0].repositoryId })
      .andWhere('m.subject_digest IN (:...digests)', { digests: [...ids.keys()] })
      .orderBy('m.created_at', 'DESC')
      .addOrderBy('m.manifest_id', 'DESC')
      .getRawMany<ManifestRow>();
    return rows.map((r) => {
      const artifact = toArtifactView(r);
      const subjectDigest = r.subject_digest ?? '';
      return {
        artifact,
        type: harborAccessoryType(artifact),
        subjectDigest,
        subjectId: ids.get(subjectDigest) ?? null,
      };
    });
  }

  /** Manifest ids of these digests in the repository. */
  async manifestIds(repositoryId: number, digests: string[]): Promise<Map<string, number>> {
    if (digests.length === 0) return new Map();
    const rows = (await this.dataSource
      .createQueryBuilder()
      .select(['m.digest AS digest', 'm.manifest_id AS manifest_id'])
      .from('manifest', 'm')
      .where('m.repository_id = :repositoryId AND m.digest IN (:...digests)', {
        repositoryId,
        digests,
      })
      .getRawMany()) as Array<{ digest: string; manifest_id: number | string }>;
    return new Map(rows.map((r) => [r.digest, Number(r.manifest_id)]));
  }

  /** The tags of these manifests, by name. */
  async tagsOf(repositoryId: number, manifestIds: number[]): Promise<TagView[]> {
    if (manifestIds.length === 0) return [];
    const rows = (await this.dataSource
      .createQueryBuilder()
      .select(['t.name AS name', 't.manifest_id AS manifest_id', 't.updated_at AS updated_at'])
      .from('tag', 't')
      .where('t.repository_id = :repositoryId AND t.manifest_id IN (:...manifestIds)', {
        repositoryId,
        manifestIds,
      })
      .orderBy('t.name', 'ASC')
      .getRawMany()) as Array<{ name: string; manifest_id: number | string; updated_at: string }>;
    return rows.map((r) => ({
      repositoryId,
      manifestId: Number(r.manifest_id),
      name: r.name,
      updatedAt: r.updated_at,
    }));
  }

  /** Adds the tag to the artifact; false when the repository already has a tag of that name. */
  async createTag(
    repositoryName: string,
    artifact: ArtifactView,
    name: string,
    actor?: Actor,
  ): Promise<boolean> {
    if ((await this.tagHolder(this.dataSource.manager, artifact.repositoryId, name)) !== undefined)
      return false;
    const p = (i: number): string => this.dataSource.driver.createParameter(`p${i}`, i);
    return this.dataSource.transaction(async (em) => {
      await em.query(
        `INSERT INTO "tag" (repository_id, name, manifest_id, updated_at) VALUES (${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}) ON CONFLICT DO NOTHING`,
        [artifact.repositoryId, name, artifact.id, new Date().toISOString()],
      );
      // A concurrent push may have taken the name between the check and the insert.
      if ((await this.tagHolder(em, artifact.repositoryId, name)) !== artifact.id) return false;
      await this.announceTag(em, 'tag.created', repositoryName, artifact, name, actor);
      return true;
    });
  }

  /** Removes the tag from this artifact only; false when the artifact has no such tag. */
  async deleteTag(
    repositoryName: string,
    artifact: ArtifactView,
    name: string,
    actor?: Actor,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (em) => {
      const result = await em
        .createQueryBuilder()
        .delete()
        .from('tag')
        .where('repository_id = :r AND name = :name AND manifest_id = :m', {
          r: artifact.repositoryId,
          name,
          m: artifact.id,
        })
        .execute();
      if ((result.affected ?? 0) === 0) return false;
      await this.announceTag(em, 'tag.deleted', repositoryName, artifact, name, actor);
      return true;
    });
  }

  /**
   * Deletes the manifest and its tags with its accessories, theirs and so on (Harbor ties every
   * accessory type to its subject), announcing an `artifact.deleted` for each in the same
   * transaction. Returns what was deleted, the artifact last.
   */
  async deleteArtifact(
    repositoryName: string,
    artifact: ArtifactView,
    actor?: Actor,
  ): Promise<Array<Pick<ArtifactView, 'id' | 'digest' | 'mediaType'>>> {
    return this.dataSource.transaction(async (em) => {
      const doomed = [
        ...(await this.accessoriesDeeply(em, artifact)).reverse(),
        { id: artifact.id, digest: artifact.digest, mediaType: artifact.mediaType },
      ];
      for (const m of doomed) {
        await this.deleteWhere(em, 'tag', 'manifest_id', m.id);
        await this.deleteWhere(em, 'manifest', 'manifest_id', m.id);
        await this.announceDeleted(em, repositoryName, m.digest, m.mediaType, actor);
      }
      return doomed;
    });
  }

  /** The accessories of the artifact and of those, breadth first, each once. */
  private async accessoriesDeeply(
    em: EntityManager,
    artifact: ArtifactView,
  ): Promise<Array<Pick<ArtifactView, 'id' | 'digest' | 'mediaType'>>> {
    const found: Array<Pick<ArtifactView, 'id' | 'digest' | 'mediaType'>> = [];
    const seen = new Set([artifact.digest]);
    let subjects = [artifact.digest];
    while (subjects.length > 0) {
      const rows = (await em
        .createQueryBuilder()
        .select(['m.manifest_id AS id', 'm.digest AS digest', 'm.media_type AS media_type'])
        .from('manifest', 'm')
        .where('m.repository_id = :repositoryId', { repositoryId: artifact.repositoryId })
        .andWhere('m.subject_digest IN (:...subjects)', { subjects })
        .orderBy('m.manifest_id', 'ASC')
        .getRawMany()) as Array<{ id: number | string; digest: string; media_type: string }>;
      const fresh = rows.filter((r) => !seen.has(r.digest));
      for (const r of fresh) {
        seen.add(r.digest);
        found.push({ id: Number(r.id), digest: r.digest, mediaType: r.media_type });
      }
      subjects = fresh.map((r) => r.digest);
    }
    return found;
  }

  private async tagHolder(
    em: EntityManager,
    repositoryId: number,
    name: string,
  ): Promise<number | undefined> {
    const row = (await em
      .createQueryBuilder()
      .select('t.manifest_id', 'manifest_id')
      .from('tag', 't')
      .where('t.repository_id = :repositoryId AND t.name = :name', { repositoryId, name })
      .getRawOne()) as { manifest_id: number | string } | undefined;
    return row === undefined ? undefined : Number(row.manifest_id);
  }

  private repositoryQuery() {
    return this.dataSource
      .createQueryBuilder()
      .select([
        'r.repository_id AS id',
        'r.project_id AS project_id',
        'r.name AS name',
        'r.description AS description',
        'r.created_at AS created_at',
        // Accessories are not counted, as Harbor's count leaves them out.
        '(SELECT COUNT(*) FROM manifest c WHERE c.repository_id = r.repository_id AND c.subject_digest IS NULL) AS artifact_count',
        '(SELECT MAX(u.created_at) FROM manifest u WHERE u.repository_id = r.repository_id) AS pushed_at',
        'r.updated_at AS updated_at',
        'r.pull_count AS pull_count',
      ])
      .from('repository', 'r');
  }

  private manifestQuery() {
    return this.dataSource.createQueryBuilder().select(MANIFEST_SELECT).from('manifest', 'm');
  }

  private async deleteWhere(
    em: EntityManager,
    table: string,
    column: string,
    value: number,
  ): Promise<void> {
    await em.query(
      `DELETE FROM "${table}" WHERE ${column} = ${this.dataSource.driver.createParameter('v', 0)}`,
      [value],
    );
  }

  /** `tag.created` or `tag.deleted`, in the transaction that changed the tag. */
  private async announceTag(
    em: EntityManager,
    type: 'tag.created' | 'tag.deleted',
    repository: string,
    artifact: ArtifactView,
    tag: string,
    actor: Actor | undefined,
  ): Promise<void> {
    await this.outbox.append(
      em,
      createEvent(
        type,
        {
          project: repository.split('/', 1)[0],
          repository,
          digest: artifact.digest,
          mediaType: artifact.mediaType,
          tag,
          ...actor,
        },
        API_EVENT_SOURCE,
      ),
    );
  }

  private async announceDeleted(
    em: EntityManager,
    repository: string,
    digest: string,
    mediaType: string,
    actor: Actor | undefined,
  ): Promise<void> {
    await this.outbox.append(
      em,
      createEvent(
        'artifact.deleted',
        {
          project: repository.split('/', 1)[0],
          repository,
          digest,
          mediaType,
          ...actor,
        },
        API_EVENT_SOURCE,
      ),
    );
  }
}

function toRepositoryView(r: RepositoryRow): RepositoryView {
  return {
    id: Number(r.id),
    projectId: Number(r.project_id),
    name: r.name,
    description: r.description ?? '',
    artifactCount: Number(r.artifact_count),
    pullCount: Number(r.pull_count ?? 0),
    createdAt: r.created_at,
    // The later of the last push and the last change through the API (ISO times sort as text).
    updatedAt: [r.created_at, r.pushed_at, r.updated_at].reduce<string>(
      (latest, t) => (t !== null && t > latest ? t : latest),
      r.created_at,
    ),
  };
}

function toArtifactView(r: ManifestRow): ArtifactView {
  return {
    id: Number(r.manifest_id),
    repositoryId: Number(r.repository_id),
    digest: r.digest,
    mediaType: r.media_type,
    artifactType: r.artifact_type,
    subjectDigest: r.subject_digest,
    annotations: r.annotations ? (JSON.parse(r.annotations) as Record<string, string>) : {},
    size: Number(r.size),
    content: r.content,
    createdAt: r.created_at,
    pullTime: r.pull_time,
  };
}
