// Two processors sweeping expired reservations from one PostgreSQL ledger at once: calls held against several
// budgets (a row each) are expired whole, exactly once, and the sweepers never deadlock on each other's rows. A sweep
// meeting a budget row an admission holds does not wait for it: the room stays counted until the next sweep, and a
// call that needs it gets it.
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { BudgetService } from '../../src/budget/budget-service.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { freshDatabase } from '../support/postgres.js';

const { endpoints } = inject('stack');
const T0 = Date.parse('2026-03-28T20:00:00Z');
const hard = { period: 'daily', timezone: 'UTC', enforcement: 'hard' } as const;

describe('reservation sweep on PostgreSQL', () => {
  describe('when two processors sweep 300 expired four-budget calls at once', () => {
    it('expires each call once and leaves every counter at zero', async () => {
      const url = await freshDatabase(endpoints.postgresUrl);
      const ledgers = [await openLedger(url), await openLedger(url)];
      let now = T0;
      const services = ledgers.map((l) => new BudgetService(l, () => now));
      try {
        await services[0]!.putScoped({ org: true, ...hard, limitUsd: 100 });
        await services[0]!.putScoped({ customer: '*', ...hard, limitUsd: 100 });
        for (const team of ['a', 'b', 'c']) await services[0]!.put(team, { ...hard, limitUsd: 100 });
        for (let i = 0; i < 300; i += 30)
          await Promise.all(
            Array.from({ length: 30 }, (_, j) =>
              services[j % 2]!.reserve({
                team: ['a', 'b', 'c'][(i + j) % 3]!,
                customer: `c${(i + j) % 7}`,
                model: 'm',
                estimatedCostUsd: 0.001,
                ttlSeconds: 1,
              }),
            ),
          );
        now += 2000;
        // Each sweeper's batches are 64 rows: calls of three rows (organisation, team, customer) are cut at batch
        // edges.
        const expired = await Promise.all([services[0]!.expire(now), services[1]!.expire(now)]);
        const again = await Promise.all([services[0]!.expire(now), services[1]!.expire(now)]);
        expect(expired[0]! + expired[1]! + again[0]! + again[1]!).toBe(300);
        for (const key of ['org', 'team=a', 'team=b', 'team=c', 'customer=c0', 'customer=c6'])
          expect((await ledgers[0]!.counters(key, now))!.reservedNano, key).toBe(0n);
      } finally {
        for (const l of ledgers) await l.close();
      }
    });
  });

  describe('when a budget row is held by another transaction while the sweep runs', () => {
    it('expires the calls without waiting, keeps their room counted as freed, and hands it to the next call or sweep', async () => {
      const url = await freshDatabase(endpoints.postgresUrl);
      const ledger = await openLedger(url);
      const holder = new pg.Client({ connectionString: url });
      await holder.connect();
      let now = T0;
      const service = new BudgetService(ledger, () => now);
      const rows = async () =>
        (
          await holder.query(
            `SELECT status, left(id, 6) AS id, amount_nano FROM reservations WHERE budget_key = 'team=a' ORDER BY id`,
          )
        ).rows.map((r) => `${r.status} ${r.id} ${r.amount_nano}`);
      const reservedNano = async () =>
        (await holder.query(`SELECT reserved_nano FROM budgets WHERE scope_key = 'team=a'`)).rows[0]
          .reserved_nano;
      // A sweep while another transaction holds team a's row. Waiting for it would never end while it is held: the
      // test would time out.
      const sweepWhileHeld = async () => {
        await holder.query('BEGIN');
        await holder.query(`SELECT 1 FROM budgets WHERE scope_key = 'team=a' FOR UPDATE`);
        const expired = await service.expire(now);
        await holder.query('COMMIT');
        return expired;
      };
      try {
        await service.put('a', { ...hard, limitUsd: 0.002 });
        await service.put('b', { ...hard, limitUsd: 1 });
        const decisions = [];
        for (const team of ['a', 'a', 'b'])
          decisions.push(
            (await service.reserve({ team, model: 'm', estimatedCostUsd: 0.001, ttlSeconds: 1 })).decision,
          );
        expect(decisions).toEqual(['ALLOWED', 'WARNING', 'ALLOWED']);
        now += 2000;
        expect(await sweepWhileHeld()).toBe(3);
        expect(await rows()).toEqual(['lease freed: 2000000']);
        expect(await reservedNano()).toBe('2000000');
        expect((await ledger.counters('team=b', now))!.reservedNano).toBe(0n);
        // A call that fits only with the freed room is admitted, exactly: the room goes back first.
        const full = await service.reserve({ team: 'a', model: 'm', estimatedCostUsd: 0.002, ttlSeconds: 1 });
        expect(full.decision).toBe('WARNING');
        expect(await rows()).toEqual([`active ${full.reservationId!.slice(0, 6)} 2000000`]);
        expect(await reservedNano()).toBe('2000000');
        // That call expires while the row is held again: freed room; the next sweep, with the row free, lowers it.
        now += 2000;
        expect(await sweepWhileHeld()).toBe(1);
        expect(await rows()).toEqual(['lease freed: 2000000']);
        now += 2000;
        expect(await service.expire(now)).toBe(0); // freed room is no call
        expect(await rows()).toEqual([]);
        expect(await reservedNano()).toBe('0');
      } finally {
        await holder.end();
        await ledger.close();
      }
    });
  });
});
