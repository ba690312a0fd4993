import { Module } from '@nestjs/common';
import { IdentityDomainModule } from '@berth/identity/domain';
import { NotificationsDomainModule } from '@berth/notifications/domain';
import { ProjectAuthorizer, ProjectsDomainModule } from '@berth/projects/domain';
import { WebhookPoliciesController } from './webhook-policies.controller';

/** Harbor's project webhook endpoints. The app needs `notificationsDatabaseParts`. */
@Module({
  imports: [IdentityDomainModule, ProjectsDomainModule, NotificationsDomainModule],
  controllers: [WebhookPoliciesController],
  providers: [ProjectAuthorizer],
})
export class WebhooksApiModule {}
