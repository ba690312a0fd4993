import type { ClientProxy } from '@nestjs/microservices';
import type { MessagingSettings } from '@berth/platform/config';
import type { EventPublisher } from '../event-publisher.port';
import { MessagingHealth } from '../messaging.health';
import {
  InProcessBus,
  InProcessClientProxy,
  InProcessEventPublisher,
  InProcessServer,
} from './in-process.transport';
import { JetStreamConnection, type JetStreamConnectionOptions } from './jetstream.connection';
import {
  JetStreamClientProxy,
  JetStreamEventPublisher,
  JetStreamServer,
  type JetStreamServerOptions,
} from './jetstream.transport';
import type { MessagingServer } from './messaging.context';

/** A Nest transport strategy for `app.connectMicroservice({ strategy })`, on either transport. */
export type TransportServer = (InProcessServer | JetStreamServer) & MessagingServer;

const IN_PROCESS_MAX_IN_FLIGHT = 256;

/** Knobs beyond BerthConfig's messaging settings; tests and tuning only. */
export interface TransportTuning {
  /** The in-process bus; defaults to the process-wide one. */
  bus?: InProcessBus;
  /** A shared NATS connection; without one, the server opens and owns its own. */
  connection?: JetStreamConnection;
  jetstream?: Partial<Omit<JetStreamConnectionOptions, 'url' | 'name'>> &
    Pick<JetStreamServerOptions, 'ackWaitMs' | 'concurrency' | 'startupWaitMs'>;
  /** Longest wait between two deliveries of a failing event. */
  backoffCapMs?: number;
}

/** Everything one service needs to talk events and requests, over the configured transport. */
export interface MessagingTransport {
  readonly kind: MessagingSettings['kind'];
  readonly server: TransportServer;
  readonly publisher: EventPublisher;
  readonly client: ClientProxy;
  readonly health: MessagingHealth;
  /** Closes the server and the connection; the in-process bus itself lives on. */
  close(): Promise<void>;
}

/** Builds the transport server alone, e.g. for `NestFactory.createMicroservice(Module, { strategy })`. */
export function createTransportServer(
  settings: MessagingSettings,
  consumer: string,
  tuning: TransportTuning = {},
): TransportServer {
  if (settings.kind === 'in-process') {
    return new InProcessServer({
      bus: tuning.bus ?? InProcessBus.shared(),
      consumer,
      maxDeliver: settings.maxDeliver,
      backoffMs: settings.backoffMs,
      backoffCapMs: tuning.backoffCapMs,
      // One consumer serves every module of the all-in-one process; handlers that write in
      // batches (audit log, pull statistics) need many events in hand to make batches of.
      maxInFlight: IN_PROCESS_MAX_IN_FLIGHT,
    });
  }
  const connection = tuning.connection ?? openConnection(settings.url, consumer, tuning);
  return new JetStreamServer({
    connection,
    consumer,
    maxDeliver: settings.maxDeliver,
    backoffMs: settings.backoffMs,
    backoffCapMs: tuning.backoffCapMs,
    ackWaitMs: tuning.jetstream?.ackWaitMs,
    concurrency: tuning.jetstream?.concurrency,
    startupWaitMs: tuning.jetstream?.startupWaitMs,
    ownsConnection: !tuning.connection,
  });
}

/** Server, publisher, request client and health for one service, sharing one connection. */
export function createMessagingTransport(
  settings: MessagingSettings,
  consumer: string,
  tuning: TransportTuning = {},
): MessagingTransport {
  if (settings.kind === 'in-process') {
    const bus = tuning.bus ?? InProcessBus.shared();
    const server = createTransportServer(settings, consumer, { ...tuning, bus });
    return {
      kind: settings.kind,
      server,
      publisher: new InProcessEventPublisher(bus),
      client: new InProcessClientProxy(bus),
      health: new MessagingHealth(async () => ({ ok: true, detail: 'in-process bus' })),
      close: () => server.close(),
    };
  }
  const ownsConnection = !tuning.connection;
  const connection = tuning.connection ?? openConnection(settings.url, consumer, tuning);
  const server = createTransportServer(settings, consumer, { ...tuning, connection });
  // Connect now, so the first outbox publish does not have to wait for it.
  connection.start();
  return {
    kind: settings.kind,
    server,
    publisher: new JetStreamEventPublisher(connection),
    client: new JetStreamClientProxy({ connection }),
    health: new MessagingHealth(() => connection.health()),
    close: async () => {
      await server.close();
      if (ownsConnection) await connection.close();
    },
  };
}

function openConnection(
  url: string,
  consumer: string,
  tuning: TransportTuning,
): JetStreamConnection {
  return new JetStreamConnection({ ...tuning.jetstream, url, name: `berth-${consumer}` });
}
