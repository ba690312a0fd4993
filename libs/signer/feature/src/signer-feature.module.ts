import { Module } from '@nestjs/common';

/** Signature recognition and verification; handlers arrive with their issue. */
@Module({})
export class SignerFeatureModule {}
