import { Module } from '@nestjs/common';

/** Webhooks and audit forwarding; handlers arrive with their issue. */
@Module({})
export class NotifierFeatureModule {}
