// `npm run rotate-signing-key`: publishes a new token-signing key that starts signing a few
// minutes later, on the database the environment configures (BERTH_DATA_DIR / DATABASE_URL).
// Running replicas pick it up by themselves; nothing restarts. Old keys stay published until
// their tokens expire and are deleted by a later rotation.
import {
  RotateSigningKeyUseCase,
  SigningKeyCache,
  SigningKeyRepository,
} from '@berth/auth/feature';
import { authDatabaseParts } from '@berth/auth/feature';
import { ConfigError, loadConfig } from '@berth/platform/config';
import { createDataSource, mergeParts } from '@berth/platform/database';

async function main(): Promise<number> {
  try {
    const config = loadConfig(process.env);
    const dataSource = createDataSource(config.database, mergeParts(authDatabaseParts));
    await dataSource.initialize();
    try {
      const repository = new SigningKeyRepository(dataSource);
      const rotate = new RotateSigningKeyUseCase(
        repository,
        new SigningKeyCache(repository, config),
        { info: () => undefined },
      );
      const rotated = await rotate.execute();
      process.stdout.write(
        `berth: published signing key ${rotated.kid} (generation ${rotated.generation}); it signs from ${rotated.activatesAt}\n` +
          rotated.deletedKids.map((kid) => `berth: deleted expired signing key ${kid}\n`).join(''),
      );
    } finally {
      await dataSource.destroy();
    }
    return 0;
  } catch (e) {
    process.stderr.write(
      `berth: ${e instanceof ConfigError ? e.message : `rotation failed: ${e instanceof Error ? e.message : String(e)}`}\n`,
    );
    return e instanceof ConfigError ? 2 : 1;
  }
}

main().then((code) => process.exit(code));
