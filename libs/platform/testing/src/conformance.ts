import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { workspaceRoot } from './real-dependencies';

/** Workflows a full run must report as `Pass`, not skipped: push, pull, discovery, management, mount. */
export const FULL_CONFORMANCE_WORKFLOWS = [
  'Blob mount',
  'Blob chunked',
  'Blob streaming',
  'Manifest delete',
  'Tag listing',
  'Tag delete',
  'Manifest put with subject',
  'Referrers',
  'Blob upload cancel',
];

export interface ConformanceRun {
  stdout: string;
  /** The suite's FAIL count as printed, or undefined when it printed none. */
  failures?: string;
  exit: number | string | undefined;
  /** Size of the results.yaml the suite wrote (0 when it wrote none). */
  resultsBytes: number;
}

/** tools/conformance/run.sh against a registry, with its reports written to reportDir. */
export async function runConformance(opts: {
  url: string;
  namespace: string;
  username: string;
  password: string;
  reportDir: string;
  env?: Record<string, string>;
}): Promise<ConformanceRun> {
  fs.rmSync(opts.reportDir, { recursive: true, force: true });
  const run = await promisify(execFile)(
    'bash',
    [
      path.join(workspaceRoot, 'tools/conformance/run.sh'),
      opts.url,
      opts.namespace,
      opts.username,
      opts.password,
    ],
    {
      cwd: workspaceRoot,
      env: { ...process.env, OCI_RESULTS_DIR: opts.reportDir, ...opts.env },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 900_000,
    },
  ).catch((e: { stdout?: string; stderr?: string; code?: number }) => e);
  const stdout = `${run.stdout ?? ''}`;
  const results = path.join(opts.reportDir, 'results.yaml');
  return {
    stdout: `${stdout}${run.stderr ?? ''}`,
    failures: /FAIL\.+:\s+(\d+)/.exec(stdout)?.[1],
    exit: 'code' in run ? run.code : 0,
    resultsBytes: fs.existsSync(results) ? fs.statSync(results).size : 0,
  };
}
