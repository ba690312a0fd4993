import { Module } from '@nestjs/common';

/** Vulnerability scanning and SBOMs; scan handlers arrive with their issue. */
@Module({})
export class ScannerFeatureModule {}
