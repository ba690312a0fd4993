/** A dependency the process needs before it can serve: database, blob storage, messaging. */
export interface ReadinessIndicator {
  readonly name: string;
  check(): Promise<void>;
}

export const READINESS_INDICATORS = Symbol('READINESS_INDICATORS');

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  dependencies: Record<string, { status: 'up' | 'down'; error?: string }>;
}

const CHECK_TIMEOUT_MS = 3000;

export async function checkReadiness(indicators: ReadinessIndicator[]): Promise<ReadinessReport> {
  const results = await Promise.all(
    indicators.map(async (i) => {
      try {
        await withTimeout(i.check(), CHECK_TIMEOUT_MS);
        return [i.name, { status: 'up' as const }] as const;
      } catch (e) {
        return [
          i.name,
          { status: 'down' as const, error: e instanceof Error ? e.message : String(e) },
        ] as const;
      }
    }),
  );
  const dependencies = Object.fromEntries(results);
  const ready = results.every(([, r]) => r.status === 'up');
  return { status: ready ? 'ready' : 'not_ready', dependencies };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
