import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { HealthController } from './health.controller';
import { BerthMetrics } from './metrics';
import type { BerthLogger } from './logger';
import { READINESS_INDICATORS } from './readiness';

export const BERTH_LOGGER = Symbol('BERTH_LOGGER');

export interface ObservabilityOptions {
  logger: BerthLogger;
  metrics: BerthMetrics;
  /** Provides READINESS_INDICATORS: the dependencies /health/ready reports on. */
  readiness: Provider;
}

@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: BERTH_LOGGER, useValue: options.logger },
      { provide: BerthMetrics, useValue: options.metrics },
      options.readiness,
    ];
    return {
      module: ObservabilityModule,
      controllers: [HealthController],
      providers,
      // READINESS_INDICATORS too, so feature modules can report health in their own API's shape.
      exports: [BERTH_LOGGER, BerthMetrics, READINESS_INDICATORS],
    };
  }
}
