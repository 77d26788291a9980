// The PostgreSQL batch admission statement against the real database: calls decided in batch order, each budget row
// updated once, and the calls it cannot decide alone handed back (LOCKED_LOOK) rather than refused.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BudgetService } from '../../src/budget/budget-service.js';
import type { ReservationRequest } from '../../src/budget/budget-store.js';
import { reserveBatch } from '../../src/ledger/batch-admission-scripts.js';
import type { CostLedger } from '../../src/ledger/cost-ledger.js';
import { LOCKED_LOOK } from '../../src/ledger/locked-look.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { PostgresDriver } from '../../src/ledger/postgres-driver.js';
import { event } from '../support/ledger-contract.js';
import { freshDatabase } from '../support/postgres.js';

const { endpoints } = inject('stack');
const T0 = Date.parse('2026-03-28T20:00:00Z');
const MILLI = 1_000_000n; // nano-USD in a thousandth of a dollar
const hard = { period: 'daily', timezone: 'UTC', enforcement: 'hard' } as const;

let url: string;
let ledger: CostLedger;
let driver: PostgresDriver;
let client: pg.Client;

beforeAll(async () => {
  url = await freshDatabase(endpoints.postgresUrl);
  ledger = await openLedger(url);
  driver = new PostgresDriver(url);
  client = new pg.Client({ connectionString: url });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await driver.close();
  await ledger.close();
});

const request = (id: string, team: string, milli: bigint, keys: string[]): ReservationRequest => ({
  id,
  team,
  budgets: keys.map((key) => ({ key, templateKey: '' })) as ReservationRequest['budgets'],
  model: 'm',
  amountNano: milli * MILLI,
  nowMs: T0,
  expiresMs: T0 + 60_000,
});

const held = async () =>
  (
    await client.query('SELECT id, budget_key, amount_nano FROM reservations ORDER BY id, budget_key')
  ).rows.map((r) => `${r.id} ${r.budget_key} ${r.amount_nano}`);

describe('batch admission on PostgreSQL', () => {
  describe('when five calls under the organisation and their team come in one batch', () => {
    it('admits in batch order, blocks what cannot fit after the admitted ones, and hands back what might', async () => {
      const service = new BudgetService(ledger, () => T0);
      await service.putScoped({ org: true, ...hard, limitUsd: 0.01 });
      for (const team of ['a', 'b']) await service.put(team, { ...hard, limitUsd: 0.006 });
      const outcomes = await driver.write(
        reserveBatch([
          request('r1', 'a', 3n, ['org', 'team=a']),
          request('r2', 'a', 3n, ['org', 'team=a']),
          request('r3', 'a', 3n, ['org', 'team=a']), // team a holds 6 of 6 after r1, r2: blocked
          request('r4', 'b', 3n, ['org', 'team=b']), // the prefix (12 > 10) counts r3; after r1, r2 alone it fits
          request('r5', 'b', 1n, ['org', 'team=b']),
        ]),
        { soft: true, autocommit: true },
      );
      const summary = outcomes.map((o) =>
        o === LOCKED_LOOK
          ? 'locked look'
          : `${o.admitted ? 'admitted' : 'blocked'} ${o.budgets.map((b) => `${b.key}:${b.reservedNano / MILLI}`).join(' ')}`,
      );
      expect(summary).toEqual([
        'admitted org:0 team=a:0',
        'admitted org:3 team=a:3',
        'blocked org:6 team=a:6',
        'locked look',
        'locked look',
      ]);
      expect(await held()).toEqual([
        `r1 org ${3n * MILLI}`,
        `r1 team=a ${3n * MILLI}`,
        `r2 org ${3n * MILLI}`,
        `r2 team=a ${3n * MILLI}`,
      ]);
      expect((await ledger.counters('org', T0))!.reservedNano).toBe(6n * MILLI);
      expect((await ledger.counters('team=a', T0))!.reservedNano).toBe(6n * MILLI);
      expect((await ledger.counters('team=b', T0))!.reservedNano).toBe(0n);
    });
  });

  describe('when a covering budget has no row (a template counter not made yet)', () => {
    it('hands the call back and reserves nothing for it', async () => {
      const before = await held();
      const outcomes = await driver.write(reserveBatch([request('r6', 'a', 1n, ['customer=c1', 'org'])]), {
        soft: true,
        autocommit: true,
      });
      expect(outcomes).toEqual([LOCKED_LOOK]);
      expect(await held()).toEqual(before);
    });
  });

  describe('when the ledger gets forty calls at once, each under the organisation and its team', () => {
    it('admits exactly what the budgets fit, through batches', async () => {
      const service = new BudgetService(ledger, () => T0);
      await service.putScoped({ org: true, ...hard, limitUsd: 0.03 }); // 6 held: room for 24 more
      for (const team of ['t0', 't1', 't2', 't3']) await service.put(team, { ...hard, limitUsd: 0.007 });
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          service.reserve({ team: `t${i % 4}`, model: 'm', estimatedCostUsd: 0.001 }),
        ),
      );
      // Each team fits 7 of its 10 calls: 28 > 24, so the organisation's budget decides.
      expect(results.filter((r) => r.decision !== 'BLOCKED')).toHaveLength(24);
      expect((await ledger.counters('org', T0))!.reservedNano).toBe(30n * MILLI);
      for (const team of ['t0', 't1', 't2', 't3'])
        expect((await ledger.counters(`team=${team}`, T0))!.reservedNano).toBeLessThanOrEqual(7n * MILLI);
    });
  });

  describe('when a customer\'s first call comes under an "each customer" budget', () => {
    it('makes its counter from the spend already recorded, then decides the call exactly', async () => {
      const ledger = await openLedger(await freshDatabase(endpoints.postgresUrl)); // no organisation's budget
      const service = new BudgetService(ledger, () => T0);
      await ledger.insertEvents([event({ team: 'a', customer: 'c9', costUsd: 0.004, endMs: T0 - 60_000 })]);
      await service.putScoped({ customer: '*', ...hard, limitUsd: 0.005 });
      const call = (customer: string) =>
        service.reserve({ team: 't0', customer, model: 'm', estimatedCostUsd: 0.002 });
      const first = await call('c9'); // 4 spent + 2 > 5
      expect([first.decision, first.reasonCode]).toEqual(['BLOCKED', 'BUDGET_EXCEEDED']);
      expect((await ledger.counters('customer=c9', T0))!.spentNano).toBe(4n * MILLI);
      expect((await call('c8')).decision).toBe('ALLOWED');
      expect((await ledger.counters('customer=c8', T0))!.reservedNano).toBe(2n * MILLI);
      await ledger.close();
    });
  });
});
