import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '@berth/contracts';
import { EventErrorFilter } from '@berth/platform/messaging';
import { ScanExecutor, ScanOnPushUseCase } from '@berth/scanning/domain';

/**
 * The scanner's durable consumer: a push into an auto-scan project becomes a pending scan
 * (acknowledged once its row and `scan.requested` are committed); `scan.requested` from any
 * process wakes this scanner's executor, which claims pending scans from the table.
 */
@Controller()
@UseFilters(new EventErrorFilter())
export class ScanEventsConsumer {
  constructor(
    private readonly scanOnPush: ScanOnPushUseCase,
    private readonly executor: ScanExecutor,
  ) {}

  @EventPattern('artifact.pushed')
  async pushed(@Payload() envelope: EventEnvelope): Promise<void> {
    await this.scanOnPush.execute(envelope);
  }

  @EventPattern('scan.requested')
  requested(): void {
    this.executor.nudge();
  }
}
