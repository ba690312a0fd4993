import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { applyListQuery, type ListQuery, type Paging } from '@berth/api/domain';
import type { WebhookEventType } from './webhook-payloads';
import { WebhookPolicyEntity } from './webhook-policy.entity';

export type NewWebhookPolicy = Omit<WebhookPolicyEntity, 'id' | 'creationTime' | 'updateTime'>;

const LIST_COLUMNS = {
  name: 'p.name',
  enabled: 'p.enabled',
  creation_time: 'p.creationTime',
  update_time: 'p.updateTime',
  id: 'p.id',
} as const;

/**
 * How long the event path trusts a project's enabled policies: a busy project's pulls would
 * otherwise query them per event. Changes made through this process apply at once; another
 * replica's within this window.
 */
const ENABLED_CACHE_MS = 2000;

/** Webhook policies of projects. */
@Injectable()
export class WebhookPolicyRepository {
  private readonly enabled = new Map<
    number,
    { at: number; policies: Promise<WebhookPolicyEntity[]> }
  >();

  constructor(private readonly dataSource: DataSource) {}

  /** The enabled policies of a project that subscribe to `type`. */
  async matching(projectId: number, type: WebhookEventType): Promise<WebhookPolicyEntity[]> {
    return (await this.enabledOf(projectId)).filter((p) => p.eventTypes.includes(type));
  }

  /** An enabled policy, as the delivery path sees it (cached like `matching`). */
  async enabledPolicy(projectId: number, id: number): Promise<WebhookPolicyEntity | undefined> {
    return (await this.enabledOf(projectId)).find((p) => p.id === id);
  }

  private enabledOf(projectId: number): Promise<WebhookPolicyEntity[]> {
    let cached = this.enabled.get(projectId);
    if (!cached || Date.now() - cached.at > ENABLED_CACHE_MS) {
      if (this.enabled.size > 10_000) this.enabled.clear();
      cached = {
        at: Date.now(),
        policies: this.dataSource
          .getRepository(WebhookPolicyEntity)
          .find({ where: { projectId, enabled: true }, order: { id: 'ASC' } }),
      };
      cached.policies.catch(() => this.enabled.delete(projectId));
      this.enabled.set(projectId, cached);
    }
    return cached.policies;
  }

  get(projectId: number, id: number): Promise<WebhookPolicyEntity | null> {
    return this.dataSource.getRepository(WebhookPolicyEntity).findOneBy({ projectId, id });
  }

  byName(projectId: number, name: string): Promise<WebhookPolicyEntity | null> {
    return this.dataSource.getRepository(WebhookPolicyEntity).findOneBy({ projectId, name });
  }

  async list(
    projectId: number,
    query: ListQuery,
    paging: Paging,
  ): Promise<{ policies: WebhookPolicyEntity[]; total: number }> {
    const qb = this.dataSource
      .getRepository(WebhookPolicyEntity)
      .createQueryBuilder('p')
      .where('p.projectId = :projectId', { projectId });
    applyListQuery(qb, query, LIST_COLUMNS, paging);
    if (query.sorts.length === 0) qb.orderBy('p.id', 'ASC');
    const [policies, total] = await qb.getManyAndCount();
    return { policies, total };
  }

  async create(policy: NewWebhookPolicy, manager?: EntityManager): Promise<WebhookPolicyEntity> {
    const now = new Date().toISOString();
    const repo = (manager ?? this.dataSource.manager).getRepository(WebhookPolicyEntity);
    this.enabled.delete(policy.projectId);
    return repo.save(repo.create({ ...policy, creationTime: now, updateTime: now }));
  }

  async update(policy: WebhookPolicyEntity): Promise<WebhookPolicyEntity> {
    policy.updateTime = new Date().toISOString();
    this.enabled.delete(policy.projectId);
    return this.dataSource.getRepository(WebhookPolicyEntity).save(policy);
  }

  async delete(projectId: number, id: number): Promise<boolean> {
    this.enabled.delete(projectId);
    const result = await this.dataSource
      .getRepository(WebhookPolicyEntity)
      .delete({ projectId, id });
    return (result.affected ?? 0) > 0;
  }

  /** A deleted project's policies go with it (their deliveries cascade). */
  async deleteForProject(manager: EntityManager, projectId: number): Promise<void> {
    this.enabled.delete(projectId);
    await manager.getRepository(WebhookPolicyEntity).delete({ projectId });
  }
}
