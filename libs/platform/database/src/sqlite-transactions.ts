import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * TypeORM runs every SQLite statement on one connection, so two transactions whose callbacks
 * interleave across awaits become one transaction and a savepoint of it: one side's commit or
 * rollback then decides for the other. Here transactions on SQLite take turns: a transaction
 * begun while another runs waits for it, unless it runs inside that one (same async context),
 * where it stays a savepoint as before. Single statements outside a transaction are unchanged.
 */
export function serializeSqliteTransactions(dataSource: DataSource): void {
  const manager = dataSource.manager as EntityManager & { [SERIALIZED]?: true };
  if (manager[SERIALIZED]) return;
  manager[SERIALIZED] = true;
  const owner = new AsyncLocalStorage<symbol>();
  let held: symbol | undefined;
  let waiters: Array<() => void> = [];
  const original = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  // An implicit transaction (one `save()` opens) holds the connection without taking a turn.
  const implicitActive = (): boolean => held === undefined && runnerActive(dataSource);

  const wait = (): Promise<void> =>
    new Promise((resolve) => {
      waiters.push(resolve);
    });
  const release = (): void => {
    held = undefined;
    const woken = waiters;
    waiters = [];
    for (const w of woken) w();
  };

  (manager as unknown as { transaction: (...args: unknown[]) => Promise<unknown> }).transaction =
    async (...args: unknown[]): Promise<unknown> => {
      const mine = owner.getStore();
      if (mine !== undefined && mine === held) return original(...args);
      while (held !== undefined || implicitActive()) {
        if (held !== undefined) await wait();
        else await new Promise((r) => setImmediate(r));
      }
      const token = Symbol('sqlite-transaction');
      held = token;
      try {
        return await owner.run(token, () => original(...args));
      } finally {
        release();
      }
    };
}

const SERIALIZED = Symbol('serialized-sqlite-transactions');

function runnerActive(dataSource: DataSource): boolean {
  const runner = (dataSource.driver as { queryRunner?: { isTransactionActive?: boolean } })
    .queryRunner;
  return runner?.isTransactionActive === true;
}
