/**
 * The pause of a worker loop between rounds: a nudge (new work was queued in this process)
 * ends it early unless the pause is a back-off, and stopping always does. A nudge that arrives
 * while no pause runs is kept for the next one, so no work waits out a whole pause.
 */
export class IdlePause {
  private nudged = false;
  private stopped = false;
  private wake?: (reason: 'nudge' | 'stop') => void;

  nudge(): void {
    this.nudged = true;
    this.wake?.('nudge');
  }

  stop(): void {
    this.stopped = true;
    this.wake?.('stop');
  }

  start(): void {
    this.stopped = false;
  }

  wait(ms: number, nudgeable = true): Promise<void> {
    if (this.stopped || (nudgeable && this.nudged)) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = (reason) => {
        if (reason === 'stop') return done();
        if (!nudgeable) return;
        this.nudged = false;
        done();
      };
    });
  }
}
