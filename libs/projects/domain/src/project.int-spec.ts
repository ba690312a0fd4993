import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createDataSource,
  mergeParts,
  platformDatabaseParts,
  runMigrations,
} from '@berth/platform/database';
import { ProjectRepository } from './project.repository';
import { projectsDatabaseParts } from './projects-domain.module';

describe('projects', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-projects-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('has the private project `library` from the first start', async () => {
    const ds = createDataSource(
      { kind: 'sqlite', file: path.join(dir, 'b.db') },
      mergeParts(platformDatabaseParts, projectsDatabaseParts),
    );
    await ds.initialize();
    await runMigrations(ds);
    const projects = new ProjectRepository(ds);
    expect(await projects.getByName('library')).toMatchObject({
      name: 'library',
      ownerId: 1,
      isPublic: false,
      metadata: { public: 'false' },
    });
    expect(await projects.findByName('nope')).toBeNull();
    await ds.destroy();
  });
});
