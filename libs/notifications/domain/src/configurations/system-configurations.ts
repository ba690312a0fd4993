import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';
import { badRequest } from '@berth/api/domain';
import { SystemSettingEntity } from '@berth/platform/database';
import { OutboxWriter, createEvent } from '@berth/platform/messaging';
import { ForwardEndpointError, parseForwardEndpoint } from '../forwarding/audit-forwarder';

/** The audit settings the notifier acts on. */
export interface AuditSettings {
  /** `tcp://`, `tls://`, `http(s)://` collector, or '' for none. */
  forwardEndpoint: string;
  /** Records only go to the collector, not into the database (needs an endpoint). */
  skipDatabase: boolean;
  /** Pulls are not audited (Harbor's `pull_audit_log_disable`): busy registries pull a lot. */
  skipPulls: boolean;
}

/** One entry of Harbor's `/configurations` answer. */
export interface ConfigurationItem {
  value: string | boolean | number;
  editable: boolean;
}

const KEY_PREFIX = 'config.';
const EDITABLE = [
  'audit_log_forward_endpoint',
  'skip_audit_log_database',
  'pull_audit_log_disable',
] as const;
const BOOLEAN_KEYS: readonly string[] = ['skip_audit_log_database', 'pull_audit_log_disable'];
type EditableKey = (typeof EDITABLE)[number];
/** Shown for scripts that read them; fixed in this build. */
const READ_ONLY: Record<string, string | boolean> = {
  auth_mode: 'db_auth',
  project_creation_restriction: 'everyone',
  self_registration: false,
};
/** How long a process trusts what it read: another replica's change shows within this. */
const CACHE_MS = 2000;

export const CONFIG_EVENT_SOURCE = 'api';

/**
 * Harbor's system configurations, the part Berth lets an admin change at run time. Stored in
 * `system_setting`; a change and its `config.changed` event commit together.
 */
@Injectable()
export class SystemConfigurations {
  private cached?: { at: number; settings: AuditSettings };

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  /** The audit settings, read at most every two seconds. */
  async auditSettings(): Promise<AuditSettings> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.settings;
    const stored = await this.stored();
    const settings: AuditSettings = {
      forwardEndpoint: stored.audit_log_forward_endpoint ?? '',
      skipDatabase: stored.skip_audit_log_database === 'true',
      skipPulls: stored.pull_audit_log_disable === 'true',
    };
    this.cached = { at: Date.now(), settings };
    return settings;
  }

  async list(): Promise<Record<string, ConfigurationItem>> {
    const s = await this.stored();
    const items: Record<string, ConfigurationItem> = {
      audit_log_forward_endpoint: { value: s.audit_log_forward_endpoint ?? '', editable: true },
      skip_audit_log_database: { value: s.skip_audit_log_database === 'true', editable: true },
      pull_audit_log_disable: { value: s.pull_audit_log_disable === 'true', editable: true },
    };
    for (const [key, value] of Object.entries(READ_ONLY)) items[key] = { value, editable: false };
    return items;
  }

  /** Applies a partial update; every key is checked before anything is stored. */
  async update(actor: Actor, body: unknown): Promise<void> {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw badRequest('the body must be a JSON object of configuration keys');
    const current = await this.stored();
    const next: Partial<Record<EditableKey, string>> = {};
    for (const [key, value] of Object.entries(body)) {
      if (Object.hasOwn(READ_ONLY, key)) throw badRequest(`${key} cannot be changed`);
      if (!(EDITABLE as readonly string[]).includes(key))
        throw badRequest(`unknown configuration ${key.slice(0, 64)}`);
      next[key as EditableKey] = this.valueOf(key as EditableKey, value);
    }
    const endpoint = next.audit_log_forward_endpoint ?? current.audit_log_forward_endpoint ?? '';
    const skip = (next.skip_audit_log_database ?? current.skip_audit_log_database) === 'true';
    if (skip && endpoint === '')
      throw badRequest('skip_audit_log_database needs audit_log_forward_endpoint');
    const keys = Object.keys(next).filter(
      (k) => next[k as EditableKey] !== (current[k as EditableKey] ?? defaultOf(k as EditableKey)),
    );
    if (keys.length === 0) return;
    const updatedAt = new Date().toISOString();
    await this.dataSource.transaction(async (em) => {
      for (const key of keys)
        await em
          .getRepository(SystemSettingEntity)
          .save({ key: KEY_PREFIX + key, value: next[key as EditableKey]!, updatedAt });
      await this.outbox.append(
        em,
        createEvent('config.changed', { ...actor, keys }, CONFIG_EVENT_SOURCE),
      );
    });
    this.cached = undefined;
  }

  private valueOf(key: EditableKey, value: unknown): string {
    if (BOOLEAN_KEYS.includes(key)) {
      if (typeof value !== 'boolean') throw badRequest(`${key} must be a boolean`);
      return String(value);
    }
    if (typeof value !== 'string') throw badRequest(`${key} must be a string`);
    const trimmed = value.trim();
    if (trimmed === '') return '';
    try {
      parseForwardEndpoint(trimmed);
    } catch (e) {
      if (e instanceof ForwardEndpointError) throw badRequest(`${key}: ${e.message}`);
      throw e;
    }
    return trimmed;
  }

  private async stored(): Promise<Partial<Record<EditableKey, string>>> {
    const rows = await this.dataSource
      .getRepository(SystemSettingEntity)
      .createQueryBuilder('s')
      .where('s.key LIKE :prefix', { prefix: `${KEY_PREFIX}%` })
      .getMany();
    return Object.fromEntries(rows.map((r) => [r.key.slice(KEY_PREFIX.length), r.value]));
  }
}

function defaultOf(key: EditableKey): string {
  return BOOLEAN_KEYS.includes(key) ? 'false' : '';
}
