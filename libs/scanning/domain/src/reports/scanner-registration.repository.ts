import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ScannerRegistrationEntity } from './scanner-registration.entity';

/** Scanner registrations; the default one scans unless a project names another. */
@Injectable()
export class ScannerRegistrationRepository {
  private cached?: { at: number; row: Promise<ScannerRegistrationEntity | null> };

  constructor(private readonly dataSource: DataSource) {}

  /** The default registration (cached for a few seconds: it is read on every push). */
  defaultRegistration(): Promise<ScannerRegistrationEntity | null> {
    if (this.cached && Date.now() - this.cached.at < 5000) return this.cached.row;
    const row = this.dataSource
      .getRepository(ScannerRegistrationEntity)
      .findOneBy({ isDefault: true, disabled: false });
    row.catch(() => (this.cached = undefined));
    this.cached = { at: Date.now(), row };
    return row;
  }

  /**
   * The registration that scans a project's artifacts: the one it chose (Harbor's
   * `projectScanner` metadata) while that exists and is enabled, else the default one.
   */
  async forProject(projectName: string): Promise<ScannerRegistrationEntity | null> {
    const mark = this.dataSource.options.type === 'postgres' ? (i: number) => `$${i}` : () => '?';
    const rows = (await this.dataSource.query(
      'SELECT m.value AS value FROM project p JOIN project_metadata m ON m.project_id = p.project_id ' +
        `WHERE p.name = ${mark(1)} AND p.deleted = false AND m.name = 'projectScanner'`,
      [projectName],
    )) as Array<{ value: string }>;
    const chosen = rows[0]?.value
      ? await this.dataSource
          .getRepository(ScannerRegistrationEntity)
          .findOneBy({ uuid: rows[0].value, disabled: false })
      : null;
    return chosen ?? this.defaultRegistration();
  }

  byUuid(uuid: string): Promise<ScannerRegistrationEntity | null> {
    return this.dataSource.getRepository(ScannerRegistrationEntity).findOneBy({ uuid });
  }
}
