import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startBerth,
  workspaceRoot,
  type BerthMode,
  type RegistryInstance,
} from '@berth/platform/testing';
import { FULL_CONFORMANCE_WORKFLOWS, runConformance } from '@berth/platform/testing';

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
    const run = await runConformance({
      url: berth.url,
      namespace: 'library/conformance',
      username: berth.username ?? '',
      password: berth.password ?? '',
      reportDir,
    });
    expect({ failures: run.failures, exit: run.exit }, run.stdout.slice(-6000)).toEqual({
      failures: '0',
      exit: 0,
    });
    // Every workflow was really exercised, not skipped: pull, push, content discovery and management, mount.
    for (const line of FULL_CONFORMANCE_WORKFLOWS)
      expect(run.stdout, line).toMatch(new RegExp(`${line}\\.+:\\s+Pass`));
    expect(run.resultsBytes).toBeGreaterThan(0);
  }, 900_000);
});
