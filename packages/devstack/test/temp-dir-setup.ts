// Vitest global setup for every project: the run's temporary files (ledgers of up to 1,000,000 events, kube and
// compose work directories, processors' files) go in one directory of their own, removed when the run ends — so
// repeated `npm test` runs do not fill the disk. Test workers and the processes they start inherit TMPDIR.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const outer = tmpdir();
  const dir = mkdtempSync(join(outer, 'genops-test-run-'));
  process.env.TMPDIR = dir;
  return () => {
    process.env.TMPDIR = outer;
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      // A mount left by a Docker engine that did not stop keeps its directory; everything else is removed.
      process.stderr.write(`genops: left ${dir}: ${(error as Error).message}\n`);
    }
  };
}
