// Removes S3 test buckets left by earlier runs that were killed before their cleanup ran;
// run by `npm test` before the integration suites. Touches only the test-bucket prefixes.
import { sweepTestBuckets } from '@berth/platform/testing';

sweepTestBuckets().then(
  (removed) => {
    process.stdout.write(`[deps] removed ${removed.length} stale test bucket(s)\n`);
  },
  (e: unknown) => {
    process.stderr.write(
      `[deps] could not sweep test buckets: ${e instanceof Error ? e.message : String(e)}\n`,
    );
    process.exit(1);
  },
);
