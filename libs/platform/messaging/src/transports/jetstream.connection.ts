import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { connect } from '@nats-io/transport-node';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { DEAD_LETTER_SUBJECT_PREFIX, EVENTS_SUBJECT_PREFIX } from '@berth/contracts';
import { describeError } from './messaging.context';

export const EVENTS_STREAM = 'BERTH_EVENTS';
export const DEAD_LETTER_STREAM = 'BERTH_DLQ';

export interface JetStreamConnectionOptions {
  url: string;
  /** Client name shown in the NATS monitoring endpoints. */
  name: string;
  /** Pause between connection attempts, first connect and reconnects alike. */
  reconnectWaitMs?: number;
  /** Timeout of JetStream API calls and publishes. */
  requestTimeoutMs?: number;
  /** JetStream de-duplicates a re-published envelope id within this window. */
  duplicateWindowMs?: number;
  /** How long events stay in BERTH_EVENTS for consumers that are down. */
  eventsMaxAgeMs?: number;
  /** How long dead letters stay in BERTH_DLQ. */
  deadLettersMaxAgeMs?: number;
}

type ConnectionEvents = { change: [connected: boolean] };

const DAY_MS = 24 * 60 * 60_000;

/**
 * One NATS connection per process, shared by the transport server, the publisher and the
 * request client. Connects in the background and never gives up (also on the first attempt),
 * so the process starts and takes writes while NATS is down.
 */
export class JetStreamConnection {
  private readonly logger = new Logger('JetStreamConnection');
  private readonly events = new EventEmitter<ConnectionEvents>();
  private readonly options: Required<JetStreamConnectionOptions>;
  private nc?: NatsConnection;
  private connecting?: Promise<NatsConnection>;
  private connected = false;
  private closed = false;
  private lastProblem?: string;
  private streams?: Promise<void>;
  private wake?: () => void;

  constructor(options: JetStreamConnectionOptions) {
    this.options = {
      url: options.url,
      name: options.name,
      reconnectWaitMs: options.reconnectWaitMs ?? 1000,
      requestTimeoutMs: options.requestTimeoutMs ?? 5000,
      duplicateWindowMs: options.duplicateWindowMs ?? 2 * 60_000,
      eventsMaxAgeMs: options.eventsMaxAgeMs ?? 7 * DAY_MS,
      deadLettersMaxAgeMs: options.deadLettersMaxAgeMs ?? 30 * DAY_MS,
    };
  }

  get requestTimeoutMs(): number {
    return this.options.requestTimeoutMs;
  }

  /** True once the first connection succeeded, even if it is down right now. */
  get hasConnected(): boolean {
    return this.nc !== undefined;
  }

  isConnected(): boolean {
    return this.connected && !this.closed;
  }

  /** One line for health reports; never includes credentials from the URL. */
  describe(): string {
    const where = redactUrl(this.options.url);
    if (this.closed) return `closed (${where})`;
    if (this.connected) return `connected to ${where}`;
    return `not connected to ${where}${this.lastProblem ? `: ${this.lastProblem}` : ''}`;
  }

  /** Starts connecting in the background if that is not already under way. */
  start(): void {
    this.get().catch(() => undefined);
  }

  /** The connection, once it has been established the first time (it may be reconnecting). */
  get(): Promise<NatsConnection> {
    if (this.closed) return Promise.reject(new Error('NATS connection closed'));
    if (this.nc) return Promise.resolve(this.nc);
    this.connecting ??= this.connectLoop();
    return this.connecting;
  }

  /** Like get(), but gives up after `ms` instead of waiting for NATS indefinitely. */
  async getWithin(ms: number): Promise<NatsConnection> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`NATS is not reachable: ${this.describe()}`)), ms);
    });
    try {
      return await Promise.race([this.get(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Connected, and the server answers a ping within `timeoutMs`. */
  async health(timeoutMs = 2000): Promise<{ ok: boolean; detail: string }> {
    const nc = this.nc;
    if (!nc || !this.isConnected()) return { ok: false, detail: this.describe() };
    let timer: NodeJS.Timeout | undefined;
    try {
      const rtt = await Promise.race([
        nc.rtt(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no ping answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
      return { ok: true, detail: `${this.describe()} (rtt ${rtt.toFixed(1)} ms)` };
    } catch (error) {
      return { ok: false, detail: `${this.describe()}: ${describeError(error)}` };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Calls `listener(connected)` whenever the connection goes down or comes back. */
  onChange(listener: (connected: boolean) => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  async manager(): Promise<JetStreamManager> {
    return jetstreamManager(await this.get(), { timeout: this.options.requestTimeoutMs });
  }

  /** Creates BERTH_EVENTS and BERTH_DLQ when missing; remembered until the next disconnect. */
  ensureStreams(): Promise<void> {
    this.streams ??= this.createStreams().catch((error: unknown) => {
      this.streams = undefined;
      throw error;
    });
    return this.streams;
  }

  /** Forget that the streams were checked, e.g. after the broker said one is missing. */
  invalidateStreams(): void {
    this.streams = undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connected = false;
    this.wake?.();
    const nc = this.nc;
    this.nc = undefined;
    if (nc && !nc.isClosed()) await nc.close();
  }

  private async connectLoop(): Promise<NatsConnection> {
    for (;;) {
      if (this.closed) throw new Error('NATS connection closed');
      try {
        const nc = await connect({
          servers: this.options.url,
          name: this.options.name,
          maxReconnectAttempts: -1,
          reconnectTimeWait: this.options.reconnectWaitMs,
          timeout: this.options.requestTimeoutMs,
        });
        if (this.closed) {
          await nc.close();
          throw new Error('NATS connection closed');
        }
        this.nc = nc;
        this.setConnected(true);
        void this.watch(nc);
        this.logger.log(this.describe());
        return nc;
      } catch (error) {
        if (this.closed) throw error;
        this.lastProblem = describeError(error);
        await this.pause(this.options.reconnectWaitMs);
      }
    }
  }

  private async watch(nc: NatsConnection): Promise<void> {
    void nc.closed().then(() => this.setConnected(false));
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        this.lastProblem = `disconnected from ${status.server}`;
        // The server we come back to may have lost its store; check the streams again.
        this.streams = undefined;
        this.setConnected(false);
        this.logger.warn(this.describe());
      } else if (status.type === 'reconnect') {
        this.lastProblem = undefined;
        this.setConnected(true);
        this.logger.log(this.describe());
      } else if (status.type === 'error') {
        this.lastProblem = describeError(status.error);
      }
    }
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    this.events.emit('change', connected);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async createStreams(): Promise<void> {
    const jsm = await this.manager();
    const common = {
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      duplicate_window: nanos(this.options.duplicateWindowMs),
    };
    await ensureStream(jsm, {
      ...common,
      name: EVENTS_STREAM,
      subjects: [`${EVENTS_SUBJECT_PREFIX}.>`],
      max_age: nanos(this.options.eventsMaxAgeMs),
    });
    await ensureStream(jsm, {
      ...common,
      name: DEAD_LETTER_STREAM,
      subjects: [`${DEAD_LETTER_SUBJECT_PREFIX}.>`],
      max_age: nanos(this.options.deadLettersMaxAgeMs),
    });
  }
}

async function ensureStream(
  jsm: JetStreamManager,
  config: Partial<StreamConfig> & { name: string },
): Promise<void> {
  try {
    await jsm.streams.info(config.name);
    return;
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound))
      throw error;
  }
  try {
    await jsm.streams.add(config);
  } catch (error) {
    // Another replica may have created it between our lookup and our add.
    await jsm.streams.info(config.name).catch(() => Promise.reject(error));
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'NATS';
  }
}
