import { Module } from '@nestjs/common';
import { BaseController } from './base.controller';

/** The OCI distribution data plane (`/v2/`). */
@Module({ controllers: [BaseController] })
export class RegistryFeatureModule {}
