import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { event } from '../support/ledger-contract.js';
import { teamKey } from '../../src/budget/budget-scope.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'genops.js');

describe('genops budgets recount', () => {
  describe('when a team’s counters were damaged behind the ledger’s back', () => {
    it('rebuilds them from the raw rows and says which it repaired', async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'genops-recount-')), 'ledger.db');
      const now = Date.now();
      const ledger = await openLedger(`sqlite:${path}`);
      for (const team of ['growth', 'search'])
        await ledger.putBudget(
          { team, period: 'monthly', timezone: 'UTC', limitUsd: 10, thresholds: [0.8], enforcement: 'hard' },
          now,
        );
      await ledger.insertEvents([
        event({ team: 'search', costUsd: 0.25, endMs: now }),
        event({ team: 'search', costUsd: 0.5, endMs: now }),
      ]);
      await ledger.reserve({
        id: 'r1',
        team: 'search',
        budgets: [{ key: teamKey('search'), templateKey: '' }],
        amountNano: 300_000_000n,
        nowMs: now,
        expiresMs: now + 60_000,
      });
      await ledger.close();
      const db = new Database(path);
      db.prepare(
        "UPDATE budgets SET spent_nano = 7, reserved_nano = 9 WHERE scope_key = 'team=search'",
      ).run();
      db.close();

      const { stdout } = await run(process.execPath, [
        BIN,
        'budgets',
        'recount',
        '--ledger',
        `sqlite:${path}`,
      ]);
      expect(stdout.split('\n')).toEqual([
        'budget       spent before  spent after  reserved before  reserved after  counters',
        '-----------  ------------  -----------  ---------------  --------------  --------',
        'team growth   0.000000000  0.000000000      0.000000000     0.000000000  ok      ',
        'team search   0.000000007  0.750000000      0.000000009     0.300000000  repaired',
        '',
      ]);
      const reopened = await openLedger(`sqlite:${path}`);
      const counters = await reopened.counters(teamKey('search'), Date.now());
      expect({ spent: counters!.spentNano, reserved: counters!.reservedNano }).toEqual({
        spent: 750_000_000n,
        reserved: 300_000_000n,
      });
      await reopened.close();
    });
  });

  describe('when the team has no budget', () => {
    it('fails naming the team', async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'genops-recount-')), 'ledger.db');
      await expect(
        run(process.execPath, [BIN, 'budgets', 'recount', 'nobody', '--ledger', `sqlite:${path}`]),
      ).rejects.toMatchObject({ stderr: 'genops: team nobody has no budget\n' });
    });
  });
});
