import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { workspaceRoot } from '@berth/platform/testing';

const chart = path.join(workspaceRoot, 'deploy/helm/berth');
const services = [
  'registry',
  'auth',
  'api',
  'scanner',
  'signer',
  'replicator',
  'notifier',
  'portal',
];
const required = [
  '--set',
  'adminPassword=change-me-please',
  '--set',
  'database.url=postgres://berth:pw@db:5432/berth',
];

interface Doc {
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
}

// The Helm chart in deploy/, rendered by the real helm binary (pinned in tools/versions.env).
describe('helm chart', () => {
  let helm: string;
  beforeAll(() => {
    helm = execFileSync('bash', [path.join(workspaceRoot, 'tools/deps/go-tool.sh'), 'helm'], {
      encoding: 'utf8',
      timeout: 900_000,
    }).trim();
  }, 900_000);

  const render = (...args: string[]): Doc[] => {
    const yaml = execFileSync(helm, ['template', 'reg', chart, ...args], { encoding: 'utf8' });
    // Only a few fields are asserted, so a line match per document is enough; no YAML parser needed.
    return yaml
      .split(/^---$/m)
      .filter((d) => /^kind: /m.test(d))
      .map((d) => ({
        kind: /^kind: (\S+)/m.exec(d)?.[1] ?? '',
        metadata: { name: /^ {2}name: (\S+)/m.exec(d)?.[1] ?? '' },
        spec: { text: d },
      }));
  };

  it('passes helm lint', () => {
    const r = spawnSync(helm, ['lint', chart, ...required], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toContain('0 chart(s) failed');
    expect(r.status).toBe(0);
  });

  it('renders one Deployment and Service per app, each running its own entry point with readiness on /health/ready', () => {
    const docs = render(...required);
    const deployments = docs.filter((d) => d.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(
      services.map((s) => `reg-${s}`).sort(),
    );
    expect(docs.filter((d) => d.kind === 'Service')).toHaveLength(services.length);
    for (const d of deployments) {
      const text = String(d.spec?.text);
      const app = d.metadata.name.replace('reg-', '');
      expect(text).toContain(`args: ["apps/${app}/src/main.ts"]`);
      expect(text).toContain('path: /health/ready');
      expect(text).toMatch(/name: DATABASE_URL, valueFrom: \{ secretKeyRef:/);
    }
  });

  it('routes /v2 to the registry and /service to auth through the ingress', () => {
    const ingress = String(render(...required).find((d) => d.kind === 'Ingress')?.spec?.text);
    expect(ingress).toMatch(
      /path: \/v2\n\s+pathType: Prefix\n\s+backend: \{ service: \{ name: reg-registry/,
    );
    expect(ingress).toMatch(
      /path: \/service\n\s+pathType: Prefix\n\s+backend: \{ service: \{ name: reg-auth/,
    );
  });

  it('refuses to render without an admin password or database', () => {
    const r = spawnSync(helm, ['template', 'reg', chart], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('adminPassword or existingSecret is required');
  });
});
