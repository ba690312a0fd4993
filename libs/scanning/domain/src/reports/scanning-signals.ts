import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';

/** Wakes this process's scan executor when scans were requested or stopped here. */
@Injectable()
export class ScanningSignals {
  private readonly emitter = new EventEmitter<{ requested: []; stopped: [] }>();

  emit(signal: 'requested' | 'stopped'): void {
    this.emitter.emit(signal);
  }

  on(signal: 'requested' | 'stopped', listener: () => void): () => void {
    this.emitter.on(signal, listener);
    return () => this.emitter.off(signal, listener);
  }
}
