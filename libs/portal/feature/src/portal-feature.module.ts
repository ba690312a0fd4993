import { Module } from '@nestjs/common';

/** Serves the web portal's built files; the UI arrives with its issue. */
@Module({})
export class PortalFeatureModule {}
