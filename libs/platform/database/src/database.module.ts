import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { createDataSource, type DataSourceParts } from './data-source.factory';
import { runMigrations } from './migrate';
import { SystemSettingEntity } from './system-setting.entity';
import { SystemSettingRepository } from './system-setting.repository';
import { SystemSetting1764000000000 } from './migrations/1764000000000-system-setting';

/** The platform's own tables; features add theirs when the app composes DatabaseModule. */
export const platformDatabaseParts: DataSourceParts = {
  entities: [SystemSettingEntity],
  migrations: [SystemSetting1764000000000],
};

export function mergeParts(...parts: DataSourceParts[]): DataSourceParts {
  return {
    entities: parts.flatMap((p) => p.entities),
    migrations: parts.flatMap((p) => p.migrations),
  };
}

export interface DatabaseModuleOptions {
  parts: DataSourceParts;
  /** Apply pending migrations at boot (default true); the `migrate` command does it alone. */
  migrate?: boolean;
}

class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    const parts = mergeParts(platformDatabaseParts, options.parts);
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          inject: [BERTH_CONFIG],
          useFactory: async (config: BerthConfig) => {
            const ds = createDataSource(config.database, parts);
            await ds.initialize();
            if (options.migrate !== false) await runMigrations(ds);
            return ds;
          },
        },
        {
          provide: SystemSettingRepository,
          inject: [DataSource],
          useFactory: (ds: DataSource) => new SystemSettingRepository(ds),
        },
        DataSourceCloser,
      ],
      exports: [DataSource, SystemSettingRepository],
    };
  }
}
