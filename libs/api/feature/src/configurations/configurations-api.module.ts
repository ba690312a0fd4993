import { Module } from '@nestjs/common';
import { IdentityDomainModule } from '@berth/identity/domain';
import { NotificationsDomainModule } from '@berth/notifications/domain';
import { ConfigurationsController } from './configurations.controller';

/** Harbor's system configurations. The app needs the platform's `system_setting` table. */
@Module({
  imports: [IdentityDomainModule, NotificationsDomainModule],
  controllers: [ConfigurationsController],
})
export class ConfigurationsApiModule {}
