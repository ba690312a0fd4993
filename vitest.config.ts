import { defineConfig } from 'vitest/config';
import swc from 'unplugin-swc';
import tsconfigPaths from 'vite-tsconfig-paths';

// Three tiers: unit (fakes allowed), integration (real PostgreSQL, NATS, S3), end-to-end (booted processes).
const shared = {
  plugins: [tsconfigPaths({ projects: ['tsconfig.json'] }), swc.vite({ module: { type: 'es6' } })],
};

export default defineConfig({
  test: {
    projects: [
      {
        ...shared,
        test: {
          name: 'unit',
          include: ['{apps,libs,tools,deploy}/**/*.spec.ts'],
          environment: 'node',
          setupFiles: ['reflect-metadata'],
        },
      },
      {
        ...shared,
        test: {
          name: 'integration',
          include: ['{apps,libs,tools,deploy}/**/*.int-spec.ts'],
          environment: 'node',
          setupFiles: ['reflect-metadata'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        ...shared,
        test: {
          name: 'e2e',
          include: ['{apps,libs,tools,deploy}/**/*.e2e-spec.ts'],
          environment: 'node',
          setupFiles: ['reflect-metadata'],
          testTimeout: 300_000,
          hookTimeout: 180_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
