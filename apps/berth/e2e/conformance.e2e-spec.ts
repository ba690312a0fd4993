import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startBerth,
  workspaceRoot,
  type BerthMode,
  type RegistryInstance,
} from '@berth/platform/testing';

const modes: BerthMode[] = ['all-in-one', 'distributed'];

// The OCI distribution-spec conformance suite, every workflow plus cross-repository mount, with
// token auth. Its reports (results.yaml, junit.xml, report.html) land in .test-results/conformance/.
describe.each(modes)('OCI conformance: %s', (mode) => {
  let berth: RegistryInstance;
  const reportDir = path.join(workspaceRoot, '.test-results', 'conformance', mode);

  beforeAll(async () => {
    fs.rmSync(reportDir, { recursive: true, force: true });
    berth = await startBerth(mode);
  }, 300_000);
  afterAll(async () => berth?.stop());

  it('passes every test of the suite, none failed or errored', async () => {
    const run = await promisify(execFile)(
      'bash',
      [
        path.join(workspaceRoot, 'tools/conformance/run.sh'),
        berth.url,
        'library/conformance',
        berth.username ?? '',
        berth.password ?? '',
      ],
      {
        cwd: workspaceRoot,
        env: { ...process.env, OCI_RESULTS_DIR: reportDir },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 900_000,
      },
    ).catch((e: { stdout?: string; stderr?: string; code?: number }) => e);
    const results = fs.readFileSync(path.join(reportDir, 'results.yaml'), 'utf8');
    const failures = /FAIL\.+:\s+(\d+)/.exec(run.stdout ?? '')?.[1];
    expect(
      { failures, exit: 'code' in run ? run.code : 0 },
      `${run.stdout ?? ''}`.slice(-6000),
    ).toEqual({ failures: '0', exit: 0 });
    // Every workflow was really exercised, not skipped: pull, push, content discovery and management, mount.
    for (const line of [
      'Blob mount',
      'Blob chunked',
      'Blob streaming',
      'Manifest delete',
      'Tag listing',
      'Tag delete',
      'Manifest put with subject',
      'Referrers',
      'Blob upload cancel',
    ])
      expect(run.stdout, line).toMatch(new RegExp(`${line}\\.+:\\s+Pass`));
    expect(results.length).toBeGreaterThan(0);
  }, 900_000);
});
