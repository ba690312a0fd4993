import { ConfigError, loadConfig } from '@berth/platform/config';
import {
  createDataSource,
  mergeParts,
  platformDatabaseParts,
  runMigrations,
} from '@berth/platform/database';
import { messagingDatabaseParts } from '@berth/platform/messaging';
import type { ServiceDefinition } from './bootstrap-service';

/** `npm run migrate`: applies every pending migration of the given services, then exits. */
export async function runMigrateCommand(
  defs: ServiceDefinition[],
  env: Record<string, string | undefined>,
): Promise<number> {
  try {
    const config = loadConfig(env);
    const parts = mergeParts(
      platformDatabaseParts,
      messagingDatabaseParts,
      ...defs.flatMap((d) => d.databaseParts ?? []),
    );
    const dataSource = createDataSource(config.database, parts);
    await dataSource.initialize();
    try {
      const applied = await runMigrations(dataSource);
      process.stdout.write(
        applied.length === 0
          ? 'berth: database is up to date\n'
          : applied.map((m) => `berth: applied ${m.name}\n`).join(''),
      );
    } finally {
      await dataSource.destroy();
    }
    return 0;
  } catch (e) {
    process.stderr.write(
      `berth: ${e instanceof ConfigError ? e.message : `migration failed: ${e instanceof Error ? e.message : String(e)}`}\n`,
    );
    return e instanceof ConfigError ? 2 : 1;
  }
}
