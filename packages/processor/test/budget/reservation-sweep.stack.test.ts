// Two processors sweeping expired reservations from one PostgreSQL ledger at once: calls held against several
// budgets (a row each) are expired whole, exactly once, and the sweepers never deadlock on each other's rows.
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
});
