import pg from 'pg';
import { afterAll, describe, inject, it } from 'vitest';
import { openLedger } from '../../src/ledger/open-ledger.js';
import {
  checkBudgetCounters,
  checkConcurrentCounters,
  checkExactAdmission,
  type CounterHarness,
} from '../support/budget-counter-property.js';
import { freshDatabase } from '../support/postgres.js';

const { endpoints } = inject('stack');
const clients: pg.Client[] = [];
afterAll(async () => {
  for (const c of clients) await c.end();
});

const postgres: CounterHarness = {
  async open(count) {
    const url = await freshDatabase(endpoints.postgresUrl);
    const reopen = () => openLedger(url);
    const ledgers = [];
    for (let i = 0; i < count; i++) ledgers.push(await reopen());
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    clients.push(client);
    const one = async (sql: string, params: unknown[]) =>
      BigInt((await client.query(sql, params)).rows[0].n as string);
    return {
      ledgers,
      reopen,
      raw: {
        spentNano: (where, from, to) => {
          const dims = (['team', 'customer'] as const).filter((d) => where[d] !== undefined);
          return one(
            `SELECT COALESCE(SUM(cost_nano), 0) AS n FROM cost_events WHERE event_time >= $1 AND event_time < $2${dims.map((d, i) => ` AND ${d} = $${i + 3}`).join('')}`,
            [from, to, ...dims.map((d) => where[d])],
          );
        },
        reservedNano: (key) =>
          one('SELECT COALESCE(SUM(amount_nano), 0) AS n FROM reservations WHERE budget_key = $1', [key]),
      },
    };
  },
};

describe('budget counters (PostgreSQL, two processors)', () => {
  describe('when reservations, spans, releases, expiries, rollovers and restarts interleave at random', () => {
    it('always equal the raw rows, and every decision equals the model’s', async () => {
      await checkBudgetCounters(postgres, 2, 25);
    });
  });

  describe('when forty calls under the organisation’s and their team’s hard budgets arrive at once', () => {
    it('admits exactly what the tightest budgets fit, atomically across every processor', async () => {
      await checkExactAdmission(postgres, 3);
    });
  });

  describe('when both processors write at once', () => {
    it('leaves counters equal to the raw rows', async () => {
      await checkConcurrentCounters(postgres, 2);
    });
  });
});
