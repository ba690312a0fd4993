export interface MessagingHealthReport {
  ok: boolean;
  detail: string;
}

/** Whether this process can publish and consume events right now; feeds /health/ready. */
export class MessagingHealth {
  readonly name = 'messaging';

  constructor(private readonly probe: () => Promise<MessagingHealthReport>) {}

  check(): Promise<MessagingHealthReport> {
    return this.probe();
  }
}
