import {
  Global,
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { EventPublisher } from './event-publisher.port';
import { MessagingHealth } from './messaging.health';
import { OutboxRelay, OutboxWriter, type OutboxRelayOptions } from './outbox/outbox';
import {
  createMessagingTransport,
  type MessagingTransport,
  type TransportTuning,
} from './transports/transport.factory';

/** The service's transport server: `app.connectMicroservice({ strategy: app.get(TRANSPORT_SERVER) })`. */
export const TRANSPORT_SERVER = Symbol('TRANSPORT_SERVER');
/** A ClientProxy whose `send()` reaches `@MessagePattern` handlers of any service. */
export const MESSAGING_CLIENT = Symbol('MESSAGING_CLIENT');
/** The whole MessagingTransport of this module (server, publisher, client, health). */
export const MESSAGING_TRANSPORT = Symbol('MESSAGING_TRANSPORT');
const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface MessagingModuleOptions extends TransportTuning {
  /** The service's name: its durable consumer and request queue group. */
  consumer: string;
  /** Outbox relay tuning, or false to not run a relay in this process. */
  relay?: OutboxRelayOptions | false;
}

/** Starts the relay with the app and stops relay, server and connection, in that order. */
@Injectable()
class MessagingLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    @Inject(MESSAGING_TRANSPORT) private readonly transport: MessagingTransport,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(OutboxWriter) private readonly writer: OutboxWriter,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.relay !== false) this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Grouped appends (pulls) waiting for their INSERT are stored before anything stops.
    await this.writer.drain();
    await this.relay.stop();
    // Before the connection goes: let running handlers finish and acknowledge.
    await this.transport.server.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}

/**
 * Events and requests for one service, over the transport BerthConfig names (in-process or
 * JetStream). Needs ConfigModule and DatabaseModule (with messagingDatabaseParts) in the app.
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: MESSAGING_TRANSPORT,
          inject: [BERTH_CONFIG],
          useFactory: (config: BerthConfig) =>
            createMessagingTransport(config.messaging, options.consumer, options),
        },
        {
          provide: TRANSPORT_SERVER,
          inject: [MESSAGING_TRANSPORT],
          useFactory: (t: MessagingTransport) => t.server,
        },
        {
          provide: EventPublisher,
          inject: [MESSAGING_TRANSPORT],
          useFactory: (t: MessagingTransport) => t.publisher,
        },
        {
          provide: MESSAGING_CLIENT,
          inject: [MESSAGING_TRANSPORT],
          useFactory: (t: MessagingTransport) => t.client,
        },
        {
          provide: MessagingHealth,
          inject: [MESSAGING_TRANSPORT],
          useFactory: (t: MessagingTransport) => t.health,
        },
        { provide: OutboxWriter, useFactory: () => new OutboxWriter() },
        {
          provide: OutboxRelay,
          inject: [DataSource, EventPublisher, OutboxWriter],
          useFactory: (dataSource: DataSource, publisher: EventPublisher, writer: OutboxWriter) => {
            const relay = new OutboxRelay(dataSource, publisher, options.relay || {});
            writer.onAppended(() => relay.nudge());
            return relay;
          },
        },
        MessagingLifecycle,
      ],
      exports: [
        MESSAGING_TRANSPORT,
        TRANSPORT_SERVER,
        EventPublisher,
        MESSAGING_CLIENT,
        MessagingHealth,
        OutboxWriter,
        OutboxRelay,
      ],
    };
  }
}
