import { Module } from '@nestjs/common';
import type { DataSourceParts } from '@berth/platform/database';
import { ProjectsDomainModule } from '@berth/projects/domain';
import { AuditLogEntity } from './audit/audit-log.entity';
import { AuditLogRepository } from './audit/audit-log.repository';
import { AuditPurgeExecutionEntity } from './audit/audit-purge.entity';
import { AuditPurgeService } from './audit/audit-purge.service';
import { SystemConfigurations } from './configurations/system-configurations';
import { AuditForwardEntity } from './forwarding/audit-forward.entity';
import { AuditForwardRepository } from './forwarding/audit-forward.repository';
import { AuditForwardingService } from './forwarding/audit-forwarding.service';
import { Notifications1764000020000 } from './migrations/1764000020000-notifications';
import { NotificationSignals } from './notification-signals';
import { RecordEventUseCase } from './record-event.usecase';
import { WebhookAttemptEntity } from './webhooks/webhook-attempt.entity';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';
import { WebhookJobEntity } from './webhooks/webhook-job.entity';
import { WebhookJobRepository } from './webhooks/webhook-job.repository';
import { WebhookPolicyEntity } from './webhooks/webhook-policy.entity';
import { WebhookPolicyRepository } from './webhooks/webhook-policy.repository';
import { WebhookPolicyUseCases } from './webhooks/webhook-policy.usecases';

/** Webhook policies and deliveries, the audit log, its forwarding queue and purge runs. */
export const notificationsDatabaseParts: DataSourceParts = {
  entities: [
    WebhookPolicyEntity,
    WebhookJobEntity,
    WebhookAttemptEntity,
    AuditLogEntity,
    AuditForwardEntity,
    AuditPurgeExecutionEntity,
  ],
  migrations: [Notifications1764000020000],
};

const providers = [
  WebhookPolicyRepository,
  WebhookJobRepository,
  WebhookPolicyUseCases,
  AuditLogRepository,
  AuditForwardRepository,
  AuditPurgeService,
  SystemConfigurations,
];

/** What the API needs: policies, deliveries to show, the audit log, purge and configurations. */
@Module({ providers, exports: providers })
export class NotificationsDomainModule {}

const workers = [
  NotificationSignals,
  RecordEventUseCase,
  WebhookDispatcher,
  AuditForwardingService,
];

/** What the notifier runs: the event recorder, the webhook dispatcher and the SIEM forwarder. */
@Module({
  imports: [NotificationsDomainModule, ProjectsDomainModule],
  providers: workers,
  exports: [NotificationsDomainModule, ...workers],
})
export class NotificationWorkersModule {}
