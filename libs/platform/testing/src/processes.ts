import { spawn, type ChildProcess } from 'node:child_process';

export interface SpawnedProcess {
  child: ChildProcess;
  output(): string;
  /** Sends a signal to the whole process group, as a terminal's Ctrl-C does. */
  signal(sig: NodeJS.Signals): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a command in its own process group with stdout and stderr captured together. */
export function spawnProcess(
  cmd: string,
  args: string[],
  options: { cwd: string; env: Record<string, string | undefined> },
): SpawnedProcess {
  const child = spawn(cmd, args, {
    cwd: options.cwd,
    env: options.env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => out,
    signal: (sig) => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, sig);
        } catch {
          // already gone
        }
      }
    },
    exited,
  };
}

/** Resolves with the exit status, or kills the group and rejects after timeoutMs. */
export async function waitForExit(
  p: SpawnedProcess,
  timeoutMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      p.signal('SIGKILL');
      reject(
        new Error(
          `process did not exit within ${timeoutMs} ms; output:\n${p.output().slice(-4000)}`,
        ),
      );
    }, timeoutMs);
  });
  return Promise.race([p.exited, timeout]).finally(() => clearTimeout(timer));
}
