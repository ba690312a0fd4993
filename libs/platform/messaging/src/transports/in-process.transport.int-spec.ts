import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { transportSuite } from '../testing/transport-suite';
import { InProcessBus } from './in-process.transport';

let dir: string;

transportSuite({
  name: 'in-process',
  brokerRestart: false,
  async setup() {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-msg-'));
    const bus = new InProcessBus();
    return {
      messaging: { kind: 'in-process', maxDeliver: 3, backoffMs: 50 },
      database: { kind: 'sqlite', file: path.join(dir, 'berth.db') },
      tuning: { bus },
      stopBroker: () => Promise.reject(new Error('the in-process bus has no broker to stop')),
      startBroker: () => Promise.reject(new Error('the in-process bus has no broker to start')),
      async deadLetter(consumer, type, id) {
        const letter = bus.deadLetters.find(
          (d) => d.consumer === consumer && d.envelope.type === type && d.envelope.id === id,
        );
        return (
          letter && {
            id: letter.envelope.id,
            error: letter.error,
            deliveryCount: letter.deliveryCount,
          }
        );
      },
    };
  },
  async teardown() {
    fs.rmSync(dir, { recursive: true, force: true });
  },
});
