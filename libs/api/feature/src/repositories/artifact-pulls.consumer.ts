import { Controller, Logger, type OnModuleDestroy, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { eventSchemas, type EventEnvelope } from '@berth/contracts';
import { ArtifactStore, type PullTally } from '@berth/artifacts/domain';
import { EventErrorFilter } from '@berth/platform/messaging';

/** How long pulls are gathered before they are written, as one transaction. */
const FLUSH_AFTER_MS = 500;

/**
 * Keeps Harbor's repository `pull_count` and artifact `pull_time` from the registry's
 * `artifact.pulled` events, off the pull path: the registry only writes the event. Like Harbor,
 * pulls are tallied in memory for a moment and written together: a busy tag pulled thousands of
 * times a second costs one UPDATE per flush, not one per pull. These are statistics: a pull
 * tallied but not yet written when the process dies is not counted, and a redelivered event
 * may count twice; the pull time never goes back.
 */
@Controller()
@UseFilters(new EventErrorFilter())
export class ArtifactPullsConsumer implements OnModuleDestroy {
  private tally: PullTally = { repositories: new Map(), artifacts: new Map() };
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private readonly logger = new Logger(ArtifactPullsConsumer.name);

  constructor(private readonly store: ArtifactStore) {}

  @EventPattern('artifact.pulled')
  pulled(@Payload() envelope: EventEnvelope): void {
    const { repository, digest } = eventSchemas['artifact.pulled'].parse(envelope.data);
    const { repositories, artifacts } = this.tally;
    repositories.set(repository, (repositories.get(repository) ?? 0) + 1);
    const key = `${repository}@${digest}`;
    const seen = artifacts.get(key);
    if (!seen || seen.at < envelope.occurredAt)
      artifacts.set(key, { repository, digest, at: envelope.occurredAt });
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  /** Writes what was tallied, after the previous write; a failed write is logged and dropped. */
  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const tally = this.tally;
    this.tally = { repositories: new Map(), artifacts: new Map() };
    this.writing = this.writing
      .then(() => this.store.recordPulls(tally))
      .catch((e: unknown) =>
        this.logger.warn(
          `pull statistics not recorded: ${e instanceof Error ? e.message : String(e)}`,
        ),
      );
    return this.writing;
  }
}
