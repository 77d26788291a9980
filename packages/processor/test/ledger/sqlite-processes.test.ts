// SQLite's atomicity across processes: several processors on one database file reserve against one hard budget
// at the same moment. Exactly as many calls as the limit fits are admitted, and the counters equal the raw rows.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/open-ledger.js';

const run = promisify(execFile);
const DIST = join(import.meta.dirname, '..', '..', 'dist', 'index.js');

// One processor: waits for the common start instant, then reserves `count` times as fast as it can.
const CHILD = `
const { openLedger, BudgetService } = await import(process.env.GENOPS_DIST);
const ledger = await openLedger(process.env.GENOPS_LEDGER_URL);
const budgets = new BudgetService(ledger);
await new Promise((r) => setTimeout(r, Number(process.env.START_AT) - Date.now()));
let admitted = 0;
for (let i = 0; i < Number(process.env.COUNT); i++) {
  const r = await budgets.reserve({ team: 'shared', model: 'm', estimatedCostUsd: 0.005 });
  if (r.reservationId) admitted++;
}
await ledger.close();
process.stdout.write(String(admitted));
`;

describe('SQLite ledger shared by several processes', () => {
  describe('when four processes reserve against one hard budget at the same moment', () => {
    it('admits exactly what the limit fits, and the counters equal the raw rows', async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'genops-procs-')), 'ledger.db');
      const ledger = await openLedger(`sqlite:${path}`);
      await ledger.putBudget(
        {
          team: 'shared',
          period: 'daily',
          timezone: 'UTC',
          limitUsd: 1.5,
          thresholds: [0.8],
          enforcement: 'hard',
        },
        Date.now(),
      );
      await ledger.close();
      const startAt = String(Date.now() + 1500);
      const outputs = await Promise.all(
        Array.from({ length: 4 }, () =>
          run(process.execPath, ['--input-type=module', '-e', CHILD], {
            env: {
              ...process.env,
              GENOPS_DIST: DIST,
              GENOPS_LEDGER_URL: `sqlite:${path}`,
              START_AT: startAt,
              COUNT: '300',
            },
          }),
        ),
      );
      const admitted = outputs.map((o) => Number(o.stdout));
      expect(admitted.reduce((a, b) => a + b, 0)).toBe(300);
      const db = new Database(path, { readonly: true });
      const raw = db
        .prepare(`SELECT COUNT(*) AS n, SUM(amount_nano) AS sum FROM reservations WHERE team = 'shared'`)
        .get();
      const counter = db.prepare(`SELECT reserved_nano FROM budgets WHERE scope_key = 'team=shared'`).get();
      db.close();
      expect(raw).toEqual({ n: 300, sum: 1_500_000_000 });
      expect(counter).toEqual({ reserved_nano: 1_500_000_000 });
    }, 60_000);
  });
});
