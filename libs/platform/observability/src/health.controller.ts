import { Controller, Get, Header, HttpStatus, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { BerthMetrics } from './metrics';
import { READINESS_INDICATORS, checkReadiness, type ReadinessIndicator } from './readiness';

@Controller()
export class HealthController {
  constructor(
    @Inject(READINESS_INDICATORS) private readonly indicators: ReadinessIndicator[],
    private readonly metrics: BerthMetrics,
  ) {}

  @Get('health/live')
  live(): { status: 'alive' } {
    return { status: 'alive' };
  }

  @Get('health/ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const report = await checkReadiness(this.indicators);
    reply.status(report.status === 'ready' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async prometheus(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
