import { Module } from '@nestjs/common';
import { PingController } from './ping.controller';

/** The Harbor-compatible management API under /api/v2.0. */
@Module({ controllers: [PingController] })
export class ApiFeatureModule {}
