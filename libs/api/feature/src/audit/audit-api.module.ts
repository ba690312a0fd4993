import { Module } from '@nestjs/common';
import { IdentityDomainModule } from '@berth/identity/domain';
import { NotificationsDomainModule } from '@berth/notifications/domain';
import { ProjectAuthorizer, ProjectsDomainModule } from '@berth/projects/domain';
import { AuditLogsController } from './audit-logs.controller';
import { PurgeAuditController } from './purge-audit.controller';

/** Harbor's audit log lists and the audit log purge. The app needs `notificationsDatabaseParts`. */
@Module({
  imports: [IdentityDomainModule, ProjectsDomainModule, NotificationsDomainModule],
  controllers: [AuditLogsController, PurgeAuditController],
  providers: [ProjectAuthorizer],
})
export class AuditApiModule {}
