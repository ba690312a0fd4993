import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { waitFor } from './ports';
import { dependencyBinary } from './real-dependencies';

/**
 * A nats-server with JetStream of a test's own, on loopback, so it can be stopped and started
 * again on the same store while services keep running.
 */
export class PrivateNats {
  private child?: ChildProcess;

  constructor(
    private readonly port: number,
    private readonly storeDir: string,
    private readonly logFile: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null;
  }

  async start(): Promise<void> {
    const log = fs.openSync(this.logFile, 'a');
    this.child = spawn(
      dependencyBinary('nats-server'),
      [
        '-n',
        `berth-test-${this.port}`,
        '-a',
        '127.0.0.1',
        '-p',
        String(this.port),
        '-js',
        '-sd',
        this.storeDir,
      ],
      { stdio: ['ignore', log, log] },
    );
    fs.closeSync(log);
    await waitFor(() => portOpen(this.port), 20_000);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
