import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const lintAs = async (file: string, code: string): Promise<string[]> => {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages
    .filter((m) => m.ruleId === '@nx/enforce-module-boundaries')
    .map((m) => m.message);
};

// Each case is an import the boundary rule must refuse: dependencies point apps -> features -> domain -> platform -> contracts/oci.
describe('module boundaries', () => {
  // The rule reads Nx's cached project graph and silently skips when there is none.
  beforeAll(() => {
    execFileSync(path.join(root, 'node_modules/.bin/nx'), ['show', 'projects'], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false' },
      stdio: 'ignore',
    });
  }, 120_000);

  it('refuses contracts importing a platform library', async () => {
    const messages = await lintAs(
      'libs/contracts/src/wrong-way.ts',
      "import { loadConfig } from '@berth/platform/config';\nexport const x = loadConfig;\n",
    );
    expect(messages.join('\n')).toMatch(/type:contracts/);
  });

  it('refuses a platform library importing a feature', async () => {
    const messages = await lintAs(
      'libs/platform/storage/src/wrong-way.ts',
      "import { RegistryFeatureModule } from '@berth/registry/feature';\nexport const x = RegistryFeatureModule;\n",
    );
    expect(messages.length).toBeGreaterThan(0);
  });

  it('refuses a feature importing another feature', async () => {
    const messages = await lintAs(
      'libs/scanner/feature/src/wrong-way.ts',
      "import { AuthFeatureModule } from '@berth/auth/feature';\nexport const x = AuthFeatureModule;\n",
    );
    expect(messages.join('\n')).toMatch(/type:feature/);
  });

  it("refuses one service's app mounting another service's feature", async () => {
    const messages = await lintAs(
      'apps/scanner/src/wrong-way.ts',
      "import { AuthFeatureModule } from '@berth/auth/feature';\nexport const x = AuthFeatureModule;\n",
    );
    expect(messages.join('\n')).toMatch(/scope:scanner/);
  });

  it('allows an app to import its feature and the platform', async () => {
    const messages = await lintAs(
      'apps/registry/src/right-way.ts',
      "import { RegistryFeatureModule } from '@berth/registry/feature';\nimport { loadConfig } from '@berth/platform/config';\nexport const x = [RegistryFeatureModule, loadConfig];\n",
    );
    expect(messages).toEqual([]);
  });
});
