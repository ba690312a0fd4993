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
