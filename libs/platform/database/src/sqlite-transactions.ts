import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';

/** Longest wait for a turn; past it the transaction proceeds nested, as TypeORM would run it. */
const TURN_WAIT_LIMIT_MS = 5000;

/**
 * TypeORM runs every SQLite statement on one connection, so two transactions whose callbacks
 * interleave across awaits become one transaction and a savepoint of it: one side's commit or
 * rollback then decides for the other. Here `dataSource.transaction` on SQLite takes turns: a
 * transaction begun while another runs waits for it. Work nested inside a transaction goes
 * through that transaction's EntityManager (`em.transaction`, a savepoint), which does not
 * wait. A turn that does not come within five seconds (a transaction that waits for another
 * it started itself) is logged and run nested instead of waiting forever.
 */
export function serializeSqliteTransactions(dataSource: DataSource): void {
  const manager = dataSource.manager as EntityManager & { [SERIALIZED]?: true };
  if (manager[SERIALIZED]) return;
  manager[SERIALIZED] = true;
  const logger = new Logger('SqliteTransactions');
  let held = false;
  let waiters: Array<() => void> = [];
  const original = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;

  const nextTurn = (ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== wake);
        resolve(false);
      }, ms);
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      waiters.push(wake);
    });

  (manager as unknown as { transaction: (...args: unknown[]) => Promise<unknown> }).transaction =
    async (...args: unknown[]): Promise<unknown> => {
      const deadline = Date.now() + TURN_WAIT_LIMIT_MS;
      // An implicit transaction (one a `save()` opens) holds the connection without a turn.
      while (held || runnerActive(dataSource)) {
        const left = deadline - Date.now();
        if (left <= 0) {
          logger.warn('a transaction waited 5 s for its turn; running it nested');
          return original(...args);
        }
        if (held) await nextTurn(left);
        else await new Promise((r) => setImmediate(r));
      }
      held = true;
      try {
        return await original(...args);
      } finally {
        held = false;
        const woken = waiters;
        waiters = [];
        // One at a time: the first woken takes the turn, the rest queue again behind it.
        for (const w of woken) w();
      }
    };
}

const SERIALIZED = Symbol('serialized-sqlite-transactions');

function runnerActive(dataSource: DataSource): boolean {
  const runner = (dataSource.driver as { queryRunner?: { isTransactionActive?: boolean } })
    .queryRunner;
  return runner?.isTransactionActive === true;
}
