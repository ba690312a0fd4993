import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full garbage collection, even when the process was started without --expose-gc. */
export function collectGarbage(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed();
  // The test runner's forks do not pass --expose-gc; setting the flag now exposes gc in new contexts.
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export interface RssReport {
  baselineBytes: number;
  peakBytes: number;
  growthBytes: number;
}

/** Samples process RSS every `everyMs` from a baseline taken after a full GC. */
export class RssSampler {
  private readonly baseline: number;
  private peak: number;
  private readonly timer: NodeJS.Timeout;

  constructor(everyMs = 100) {
    collectGarbage();
    this.baseline = process.memoryUsage().rss;
    this.peak = this.baseline;
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }

  /** The figures so far; sampling keeps running. */
  peek(): RssReport {
    this.sample();
    return {
      baselineBytes: this.baseline,
      peakBytes: this.peak,
      growthBytes: this.peak - this.baseline,
    };
  }

  stop(): RssReport {
    clearInterval(this.timer);
    return this.peek();
  }
}
