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

/** Webhook policies of projects. */
@Injectable()
export class WebhookPolicyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The enabled policies of a project that subscribe to `type`. */
  async matching(projectId: number, type: WebhookEventType): Promise<WebhookPolicyEntity[]> {
    const policies = await this.dataSource
      .getRepository(WebhookPolicyEntity)
      .find({ where: { projectId, enabled: true }, order: { id: 'ASC' } });
    return policies.filter((p) => p.eventTypes.includes(type));
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
    return repo.save(repo.create({ ...policy, creationTime: now, updateTime: now }));
  }

  async update(policy: WebhookPolicyEntity): Promise<WebhookPolicyEntity> {
    policy.updateTime = new Date().toISOString();
    return this.dataSource.getRepository(WebhookPolicyEntity).save(policy);
  }

  async delete(projectId: number, id: number): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(WebhookPolicyEntity)
      .delete({ projectId, id });
    return (result.affected ?? 0) > 0;
  }

  /** A deleted project's policies go with it (their deliveries cascade). */
  async deleteForProject(manager: EntityManager, projectId: number): Promise<void> {
    await manager.getRepository(WebhookPolicyEntity).delete({ projectId });
  }
}
