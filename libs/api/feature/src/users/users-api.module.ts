import { Module } from '@nestjs/common';
import { IdentityDomainModule } from '@berth/identity/domain';
import { UsersController } from './users.controller';

/** Harbor's users endpoints. The app needs `identityDatabaseParts` in its database parts. */
@Module({
  imports: [IdentityDomainModule],
  controllers: [UsersController],
})
export class UsersApiModule {}
