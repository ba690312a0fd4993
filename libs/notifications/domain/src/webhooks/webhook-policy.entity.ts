import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonColumn } from '../column-transformers';
import type { PayloadFormat, WebhookEventType } from './webhook-payloads';

/** Where a policy sends its events; `auth_header` goes out as the Authorization header. */
export interface WebhookTarget {
  type: 'http' | 'slack';
  address: string;
  authHeader: string;
  skipCertVerify: boolean;
  payloadFormat: PayloadFormat;
}

/** Harbor's notification policy: which events of a project go to which targets. */
@Entity('webhook_policy')
export class WebhookPolicyEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'project_id', type: 'integer' })
  projectId!: number;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 1024, default: '' })
  description!: string;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'event_types', type: 'text', transformer: jsonColumn<WebhookEventType[]>() })
  eventTypes!: WebhookEventType[];

  @Column({ type: 'text', transformer: jsonColumn<WebhookTarget[]>() })
  targets!: WebhookTarget[];

  @Column({ type: 'varchar', length: 255 })
  creator!: string;

  @Column({ name: 'creation_time', type: 'varchar', length: 32 })
  creationTime!: string;

  @Column({ name: 'update_time', type: 'varchar', length: 32 })
  updateTime!: string;
}
