import type { DataSource, EntityManager } from 'typeorm';
import { SystemSettingEntity } from './system-setting.entity';

/** Reads and writes instance-wide settings. */
export class SystemSettingRepository {
  constructor(private readonly dataSource: DataSource) {}

  async get(key: string): Promise<string | undefined> {
    const row = await this.dataSource.getRepository(SystemSettingEntity).findOneBy({ key });
    return row?.value;
  }

  async set(key: string, value: string): Promise<void> {
    await this.dataSource
      .getRepository(SystemSettingEntity)
      .save({ key, value, updatedAt: new Date().toISOString() });
  }

  /**
   * Stores value in one statement, outside any transaction: for writers that run beside
   * others' transactions on SQLite's single connection (`save` would open one of its own).
   */
  async put(key: string, value: string): Promise<void> {
    const pg = this.dataSource.options.type === 'postgres';
    await this.dataSource.query(
      pg
        ? 'INSERT INTO "system_setting" ("key", "value", "updated_at") VALUES ($1, $2, $3) ON CONFLICT ("key") DO UPDATE SET "value" = EXCLUDED."value", "updated_at" = EXCLUDED."updated_at"'
        : 'INSERT INTO "system_setting" ("key", "value", "updated_at") VALUES (?, ?, ?) ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value", "updated_at" = excluded."updated_at"',
      [key, value, new Date().toISOString()],
    );
  }

  /** Stores value only if the key is absent; returns the value that is stored afterwards. */
  async getOrCreate(key: string, create: () => string, manager?: EntityManager): Promise<string> {
    const em = manager ?? this.dataSource.manager;
    await em
      .createQueryBuilder()
      .insert()
      .into(SystemSettingEntity)
      .values({ key, value: create(), updatedAt: new Date().toISOString() })
      .orIgnore()
      .execute();
    const row = await em.getRepository(SystemSettingEntity).findOneByOrFail({ key });
    return row.value;
  }
}
