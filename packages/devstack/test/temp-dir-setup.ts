// Vitest global setup for every project: the run's temporary files (ledgers of up to 1,000,000 events, kube and
// compose work directories, processors' files) go in one directory of their own, removed when the run ends — so
// repeated `npm test` runs do not fill the disk. Test workers and the processes they start inherit TMPDIR.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MARK = 'GENOPS_TEST_RUN_TMPDIR';

export default function setup(): () => void {
  // Every project runs this setup in the one vitest process: the first makes the directory, the others use it (one
  // level only — Chromium's and dockerd's socket paths must stay under 108 bytes).
  if (process.env[MARK]) return () => {};
  const outer = tmpdir();
  const dir = mkdtempSync(join(outer, 'genops-test-'));
  // As /tmp is: the stack's services run as users of their own (PostgreSQL as `postgres`) and write here too.
  chmodSync(dir, 0o1777);
  process.env[MARK] = dir;
  process.env.TMPDIR = dir;
  return () => {
    process.env.TMPDIR = outer;
    delete process.env[MARK];
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      // A mount left by a Docker engine that did not stop keeps its directory; everything else is removed.
      process.stderr.write(`genops: left ${dir}: ${(error as Error).message}\n`);
    }
  };
}
