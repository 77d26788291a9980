import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { BudgetSpecSchema } from '../../src/budget/budget-spec.js';
import {
  checkBudgetCounters,
  checkConcurrentCounters,
  checkExactAdmission,
  type CounterHarness,
} from '../support/budget-counter-property.js';
import { event } from '../support/ledger-contract.js';
import { teamKey } from '../../src/budget/budget-scope.js';

const sqlite: CounterHarness = {
  async open(count) {
    const path = join(mkdtempSync(join(tmpdir(), 'genops-counters-')), 'ledger.db');
    const reopen = () => openLedger(`sqlite:${path}`);
    const ledgers = [];
    for (let i = 0; i < count; i++) ledgers.push(await reopen());
    const db = new Database(path, { readonly: true }).defaultSafeIntegers(true);
    const reserved = db.prepare(
      'SELECT COALESCE(SUM(amount_nano), 0) AS n FROM reservations WHERE budget_key = ?',
    );
    return {
      ledgers,
      reopen,
      raw: {
        spentNano: async (where, from, to) => {
          const dims = (['team', 'customer'] as const).filter((d) => where[d] !== undefined);
          const sql = `SELECT COALESCE(SUM(cost_nano), 0) AS n FROM cost_events WHERE event_time >= ? AND event_time < ?${dims.map((d) => ` AND ${d} = ?`).join('')}`;
          return (db.prepare(sql).get(from, to, ...dims.map((d) => where[d])) as { n: bigint }).n;
        },
        reservedNano: async (key) => (reserved.get(key) as { n: bigint }).n,
      },
    };
  },
};

describe('budget counters (SQLite)', () => {
  describe('when reservations, spans, releases, expiries, rollovers and restarts interleave at random', () => {
    it('always equal the raw rows, and every decision equals the model’s', async () => {
      await checkBudgetCounters(sqlite, 2, 60);
    }, 120_000);
  });

  describe('when forty calls under the organisation’s and their team’s hard budgets arrive at once', () => {
    it('admits exactly what the tightest budgets fit, atomically across every processor', async () => {
      await checkExactAdmission(sqlite, 2);
    });
  });

  describe('when two connections on one database file write at once', () => {
    it('leaves counters equal to the raw rows', async () => {
      await checkConcurrentCounters(sqlite, 2);
    });
  });
});

describe('budget counters read (SQLite)', () => {
  const MARCH = Date.parse('2026-03-15T12:00:00Z');
  const APRIL = Date.parse('2026-04-02T12:00:00Z');

  it('reads a rolled period from the raw rows without writing, even while another writer holds the lock', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'genops-read-')), 'ledger.db');
    const ledger = await openLedger(`sqlite:${path}`);
    await ledger.putBudget(
      BudgetSpecSchema.parse({ team: 'a', period: 'monthly', limitUsd: 10, enforcement: 'hard' }),
      MARCH,
    );
    await ledger.putBudget(
      BudgetSpecSchema.parse({ team: 'b', period: 'monthly', limitUsd: 5, enforcement: 'soft' }),
      MARCH,
    );
    await ledger.insertEvents([
      event({ team: 'a', costUsd: 1.5, endMs: MARCH }),
      event({ team: 'a', costUsd: 0.25, endMs: APRIL - 3_600_000 }), // April 2nd, 11:00
      event({ team: 'b', costUsd: 2, endMs: MARCH }),
    ]);
    const counted = await ledger.counters(teamKey('a'), MARCH);
    expect(counted?.spentNano).toBe(1_500_000_000n);

    // Another process holds the write lock: reading still works (it takes none).
    const writer = new Database(path);
    writer.exec('BEGIN IMMEDIATE');
    try {
      // April: the stored counters are March's; the read sums April's raw rows (0.25 USD for a) and writes nothing.
      expect((await ledger.counters(teamKey('a'), APRIL))?.spentNano).toBe(250_000_000n);
      expect(
        (await ledger.allCounters(APRIL)).map((c) => [
          c.spec.team,
          new Date(c.period.startMs).toISOString(),
          c.spentNano,
        ]),
      ).toEqual([
        ['a', '2026-04-01T00:00:00.000Z', 250_000_000n],
        ['b', '2026-04-01T00:00:00.000Z', 0n],
      ]);
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
    const stored = new Database(path, { readonly: true });
    expect(stored.prepare("SELECT period_start FROM budgets WHERE scope_key = 'team=a'").get()).toEqual({
      period_start: Date.parse('2026-03-01T00:00:00Z'),
    });
    stored.close();
    await ledger.close();
  });
});
