import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';

type Signal = 'webhooks' | 'forward';

/** Wakes the dispatcher and the forwarder when the consumer has queued work in this process. */
@Injectable()
export class NotificationSignals {
  private readonly emitter = new EventEmitter<Record<Signal, []>>();

  emit(signal: Signal): void {
    this.emitter.emit(signal);
  }

  on(signal: Signal, listener: () => void): () => void {
    this.emitter.on(signal, listener);
    return () => this.emitter.off(signal, listener);
  }
}
