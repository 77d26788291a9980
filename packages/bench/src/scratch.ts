// Where a bench keeps its files (ledgers of up to 100,000,000 events, Vegeta's targets and results): a directory
// of its own under the system's temporary directory, removed when the bench process exits — so bench runs do not
// fill the disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A new directory `<tmp>/<prefix>-XXXXXX`, removed when the process exits. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  made.add(dir);
  return dir;
}

/** A SQLite ledger URL in a scratch directory of its own. */
export function scratchSqliteUrl(prefix: string): string {
  return `sqlite:${join(scratchDir(prefix), 'ledger.db')}`;
}
