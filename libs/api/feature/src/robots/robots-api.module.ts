import { Module } from '@nestjs/common';
import { IdentityDomainModule } from '@berth/identity/domain';
import { ProjectsDomainModule } from '@berth/projects/domain';
import { RobotAuthority } from './robot-authority';
import {
  CreateRobotUseCase,
  DeleteRobotUseCase,
  GetRobotUseCase,
  ListRobotsUseCase,
  RefreshRobotSecretUseCase,
  UpdateRobotUseCase,
} from './robot.usecases';
import { RobotsController } from './robots.controller';

/** Harbor's robot account endpoints. The app needs `identityDatabaseParts` and `projectsDatabaseParts`. */
@Module({
  imports: [IdentityDomainModule, ProjectsDomainModule],
  controllers: [RobotsController],
  providers: [
    RobotAuthority,
    CreateRobotUseCase,
    ListRobotsUseCase,
    GetRobotUseCase,
    UpdateRobotUseCase,
    DeleteRobotUseCase,
    RefreshRobotSecretUseCase,
  ],
})
export class RobotsApiModule {}
