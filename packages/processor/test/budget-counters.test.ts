import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, it } from 'vitest';
import { openLedger } from '../src/index.js';
import {
  checkBudgetCounters,
  checkConcurrentCounters,
  type CounterHarness,
} from './support/budget-counter-property.js';

const sqlite: CounterHarness = {
  async open(count) {
    const path = join(mkdtempSync(join(tmpdir(), 'genops-counters-')), 'ledger.db');
    const reopen = () => openLedger(`sqlite:${path}`);
    const ledgers = [];
    for (let i = 0; i < count; i++) ledgers.push(await reopen());
    const db = new Database(path, { readonly: true }).defaultSafeIntegers(true);
    const spent = db.prepare(
      'SELECT COALESCE(SUM(cost_nano), 0) AS n FROM cost_events WHERE team = ? AND event_time >= ? AND event_time < ?',
    );
    const reserved = db.prepare('SELECT COALESCE(SUM(amount_nano), 0) AS n FROM reservations WHERE team = ?');
    return {
      ledgers,
      reopen,
      raw: {
        spentNano: async (team, from, to) => (spent.get(team, from, to) as { n: bigint }).n,
        reservedNano: async (team) => (reserved.get(team) as { n: bigint }).n,
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

  describe('when two connections on one database file write at once', () => {
    it('leaves counters equal to the raw rows', async () => {
      await checkConcurrentCounters(sqlite, 2);
    });
  });
});
