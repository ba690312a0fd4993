// `npm test`: lint, format, type-check, then the unit, integration and end-to-end suites.
// Starts the real dependencies (PostgreSQL, NATS JetStream, S3) through tools/deps when they are
// not running, stops what it started, and ends with one line: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const resultsDir = path.join(root, '.test-results');
const bin = (name) => path.join(root, 'node_modules/.bin', name);
const only = process.argv.slice(2); // e.g. `npm test -- unit` runs one stage
let passed = 0;
let failed = 0;
const failures = [];

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false', ...env },
  });
  return r.status === 0;
}

function check(name, ok) {
  if (ok) passed += 1;
  else {
    failed += 1;
    failures.push(name);
  }
  console.log(`\n== ${name}: ${ok ? 'ok' : 'FAILED'}\n`);
}

function vitest(project) {
  const out = path.join(resultsDir, `${project}.json`);
  fs.rmSync(out, { force: true });
  const ok = run(bin('vitest'), [
    'run',
    '--project',
    project,
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${out}`,
  ]);
  if (!fs.existsSync(out)) {
    check(`vitest ${project} (no report)`, false);
    return;
  }
  const report = JSON.parse(fs.readFileSync(out, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A file that fails without a failed test (it did not load, or a beforeAll hook threw and its
  // tests were skipped) counts as one failure, with the file's own message.
  const brokenFiles = report.testResults.filter(
    (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
  );
  failed += brokenFiles.length;
  for (const f of report.testResults) {
    for (const a of f.assertionResults)
      if (a.status === 'failed') failures.push(`${project}: ${a.fullName}`);
  }
  for (const f of brokenFiles)
    failures.push(
      `${project}: ${path.relative(root, f.name)}: ${String(f.message).split('\n')[0]}`,
    );
  if (!ok && report.numFailedTests === 0 && brokenFiles.length === 0)
    check(`vitest ${project} exit status`, false);
  console.log(
    `\n== vitest ${project}: ${report.numPassedTests} passed, ${report.numFailedTests} failed\n`,
  );
}

const wants = (stage) => only.length === 0 || only.includes(stage);
fs.mkdirSync(resultsDir, { recursive: true });

// The boundary rule reads Nx's cached project graph and is skipped without one: compute it first.
if (wants('lint'))
  check('nx project graph', run(bin('nx'), ['show', 'projects', '--json'], { NX_DAEMON: 'false' }));
if (wants('lint'))
  check('eslint (boundaries, style)', run(bin('eslint'), ['--max-warnings=0', '.']));
if (wants('lint'))
  check('prettier --check', run(bin('prettier'), ['--check', '--log-level=warn', '.']));
if (wants('typecheck')) check('tsc --noEmit', run(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']));
if (wants('unit')) vitest('unit');

let startedDeps = false;
if (wants('integration') || wants('e2e')) {
  const before = spawnSync('bash', ['tools/deps/status.sh'], { cwd: root }).status === 0;
  const up = run('bash', ['tools/deps/up.sh', 'all']);
  check('dependencies up (PostgreSQL, NATS JetStream, S3)', up);
  startedDeps = up && !before;
  if (up)
    check(
      'stale S3 test buckets swept',
      run(process.execPath, ['-r', '@swc-node/register', 'tools/deps/sweep-test-buckets.ts']),
    );
}
if (wants('integration')) vitest('integration');
if (wants('e2e')) vitest('e2e');
if (startedDeps) run('bash', ['tools/deps/down.sh', 'all']);

if (failures.length > 0) console.log(`Failed:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
