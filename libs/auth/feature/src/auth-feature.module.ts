import { Module } from '@nestjs/common';
import { EnsureAdminUseCase } from './ensure-admin.usecase';

/** Identity: the admin account now; users, robots and the token service build on it. */
@Module({ providers: [EnsureAdminUseCase] })
export class AuthFeatureModule {}
