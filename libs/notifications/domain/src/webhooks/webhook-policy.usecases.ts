import { Inject, Injectable } from '@nestjs/common';
import { badRequest, conflict, notFound } from '@berth/api/domain';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { checkWebhookTarget, type Resolver } from './target-guard';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-payloads';
import type { WebhookPolicyEntity, WebhookTarget } from './webhook-policy.entity';
import { WebhookPolicyRepository } from './webhook-policy.repository';

/** Harbor's WebhookPolicy body, as a client sends it. */
export interface WebhookPolicyBody {
  name?: unknown;
  description?: unknown;
  enabled?: unknown;
  event_types?: unknown;
  targets?: unknown;
}

const MAX_TARGETS = 10;

/**
 * Create, change and delete a project's webhook policies. Every target is checked before it
 * is stored: http(s) only, and no loopback, link-local or private address unless the admin
 * allowed them (`BERTH_WEBHOOK_ALLOW_PRIVATE`). Deliveries check again, at send time.
 */
@Injectable()
export class WebhookPolicyUseCases {
  constructor(
    private readonly policies: WebhookPolicyRepository,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  /** Resolves target names for the check; the system's resolver unless a test sets one. */
  resolver?: Resolver;

  async create(projectId: number, creator: string, body: unknown): Promise<WebhookPolicyEntity> {
    const fields = await this.parse(body, undefined);
    if (await this.policies.byName(projectId, fields.name))
      throw conflict(`a webhook policy named ${fields.name} exists in this project`);
    try {
      return await this.policies.create({ ...fields, projectId, creator });
    } catch (e) {
      // Two creations with one name at once: the unique index decides.
      if (await this.policies.byName(projectId, fields.name))
        throw conflict(`a webhook policy named ${fields.name} exists in this project`);
      throw e;
    }
  }

  async update(projectId: number, id: number, body: unknown): Promise<WebhookPolicyEntity> {
    const policy = await this.require(projectId, id);
    const fields = await this.parse(body, policy);
    if (fields.name !== policy.name) {
      const other = await this.policies.byName(projectId, fields.name);
      if (other && other.id !== id)
        throw conflict(`a webhook policy named ${fields.name} exists in this project`);
    }
    return this.policies.update(Object.assign(policy, fields));
  }

  async delete(projectId: number, id: number): Promise<void> {
    if (!(await this.policies.delete(projectId, id))) throw notFound('webhook policy not found');
  }

  async require(projectId: number, id: number): Promise<WebhookPolicyEntity> {
    const policy = await this.policies.get(projectId, id);
    if (!policy) throw notFound('webhook policy not found');
    return policy;
  }

  /** A full body for create; for update, absent fields keep their value (Harbor's PUT sends all). */
  private async parse(
    body: unknown,
    current: WebhookPolicyEntity | undefined,
  ): Promise<
    Pick<WebhookPolicyEntity, 'name' | 'description' | 'enabled' | 'eventTypes' | 'targets'>
  > {
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw badRequest('the body must be a JSON object');
    const b = body as WebhookPolicyBody;
    const name = b.name ?? current?.name;
    if (typeof name !== 'string' || name.trim() === '' || name.length > 255)
      throw badRequest('name is required, at most 255 characters');
    const description = b.description ?? current?.description ?? '';
    if (typeof description !== 'string' || description.length > 1024)
      throw badRequest('description must be a string of at most 1024 characters');
    const enabled = b.enabled ?? current?.enabled ?? true;
    if (typeof enabled !== 'boolean') throw badRequest('enabled must be a boolean');
    const eventTypes = b.event_types ?? current?.eventTypes;
    if (
      !Array.isArray(eventTypes) ||
      eventTypes.length === 0 ||
      !eventTypes.every((t) => WEBHOOK_EVENT_TYPES.includes(t as WebhookEventType))
    )
      throw badRequest(`event_types must list some of ${WEBHOOK_EVENT_TYPES.join(', ')}`);
    const targets =
      b.targets === undefined && current ? current.targets : await this.parseTargets(b.targets);
    return {
      name: name.trim(),
      description,
      enabled,
      eventTypes: [...new Set(eventTypes as WebhookEventType[])],
      targets,
    };
  }

  private async parseTargets(raw: unknown): Promise<WebhookTarget[]> {
    if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_TARGETS)
      throw badRequest(`targets must list 1 to ${MAX_TARGETS} targets`);
    const targets: WebhookTarget[] = [];
    for (const t of raw as unknown[]) {
      if (!t || typeof t !== 'object') throw badRequest('each target must be an object');
      const o = t as Record<string, unknown>;
      const type = o['type'] ?? 'http';
      if (type !== 'http' && type !== 'slack')
        throw badRequest('target type must be http or slack');
      const address = o['address'];
      if (typeof address !== 'string' || address.length > 2048)
        throw badRequest('target address must be a URL of at most 2048 characters');
      const authHeader = o['auth_header'] ?? '';
      if (typeof authHeader !== 'string' || authHeader.length > 4096 || /[\r\n]/.test(authHeader))
        throw badRequest('auth_header must be one line of text');
      const skipCertVerify = o['skip_cert_verify'] ?? false;
      if (typeof skipCertVerify !== 'boolean')
        throw badRequest('skip_cert_verify must be a boolean');
      const format = o['payload_format'] ?? 'Default';
      if (format !== 'Default' && format !== 'CloudEvents')
        throw badRequest('payload_format must be Default or CloudEvents');
      if (type === 'slack' && format !== 'Default')
        throw badRequest('slack targets take the Default payload format');
      const check = await checkWebhookTarget(address, {
        allowPrivate: this.config.notifications.webhookAllowPrivate,
        ...(this.resolver ? { resolve: this.resolver } : {}),
      });
      if (!check.ok) throw badRequest(`target ${address.slice(0, 200)} refused: ${check.reason}`);
      targets.push({ type, address, authHeader, skipCertVerify, payloadFormat: format });
    }
    return targets;
  }
}
