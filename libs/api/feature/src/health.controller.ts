import { Get, Inject } from '@nestjs/common';
import {
  READINESS_INDICATORS,
  checkReadiness,
  type ReadinessIndicator,
} from '@berth/platform/observability';
import { HarborApiController } from './harbor-api.decorator';

export interface ComponentHealthStatus {
  name: string;
  status: 'healthy' | 'unhealthy';
  error?: string;
}

export interface OverallHealthStatus {
  status: 'healthy' | 'unhealthy';
  components: ComponentHealthStatus[];
}

/**
 * Harbor's `GET /health`: the process's dependencies (database, storage, messaging) in Harbor's
 * shape. Always 200, as Harbor answers; `/health/ready` is the probe that fails with 503.
 */
@HarborApiController()
export class HealthController {
  constructor(@Inject(READINESS_INDICATORS) private readonly indicators: ReadinessIndicator[]) {}

  @Get('health')
  async health(): Promise<OverallHealthStatus> {
    const report = await checkReadiness(this.indicators);
    const components = Object.entries(report.dependencies).map(
      ([name, r]): ComponentHealthStatus => ({
        name,
        status: r.status === 'up' ? 'healthy' : 'unhealthy',
        ...(r.error !== undefined && { error: r.error }),
      }),
    );
    return {
      status: components.every((c) => c.status === 'healthy') ? 'healthy' : 'unhealthy',
      components,
    };
  }
}
