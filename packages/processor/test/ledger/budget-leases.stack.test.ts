// Escrow leases on the real PostgreSQL: calls admitted against a processor's lease instead of the organisation's row,
// a refusal that would fit without the leases revoking them, and two processors leasing one hard budget admitting
// exactly what its limit fits.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BudgetService } from '../../src/budget/budget-service.js';
import type { ReservationRequest } from '../../src/budget/budget-store.js';
import { reserveBatch } from '../../src/ledger/batch-admission-scripts.js';
import { DEFAULT_LEASES } from '../../src/ledger/lease-keeper.js';
import { grantLease, type BatchLeases } from '../../src/ledger/lease-scripts.js';
import { LOCKED_LOOK } from '../../src/ledger/locked-look.js';
import { PostgresDriver } from '../../src/ledger/postgres-driver.js';
import { PostgresLedger } from '../../src/ledger/postgres-ledger.js';
import { migrations } from '../../src/ledger/schema.js';
import { freshDatabase } from '../support/postgres.js';

const { endpoints } = inject('stack');
const MILLI = 1_000_000n; // nano-USD in a thousandth of a dollar
const hard = { period: 'daily', timezone: 'UTC', enforcement: 'hard' } as const;

const request = (id: string, milli: bigint, keys: string[], nowMs: number): ReservationRequest => ({
  id,
  team: 'a',
  budgets: keys.map((key) => ({ key, templateKey: '' })) as ReservationRequest['budgets'],
  model: 'm',
  amountNano: milli * MILLI,
  nowMs,
  expiresMs: nowMs + 600_000,
});

async function rows(client: pg.Client, sql: string): Promise<string[]> {
  return (await client.query(sql)).rows.map((r) => Object.values(r).join(' '));
}

const counters = (client: pg.Client) =>
  rows(client, `SELECT scope_key, reserved_nano / ${MILLI} AS milli FROM budgets ORDER BY scope_key`);

describe('escrow leases (PostgreSQL)', () => {
  let url: string;
  let driver: PostgresDriver;
  let client: pg.Client;

  beforeAll(async () => {
    url = await freshDatabase(endpoints.postgresUrl);
    client = new pg.Client({ connectionString: url });
    await client.connect();
    driver = new PostgresDriver(url);
  });
  afterAll(async () => {
    await client.end();
    await driver.close();
  });

  describe('when a batch draws on a lease and a later call would fit only without it', () => {
    it('moves the amount from the lease to the call, then revokes the lease to admit the call exactly', async () => {
      const now = Date.now();
      const ledger = new PostgresLedger(url, migrations('postgres'), false);
      await ledger.migrate();
      try {
        const service = new BudgetService(ledger, () => now);
        await service.putScoped({ org: true, ...hard, limitUsd: 0.01 });
        await service.put('a', { ...hard, limitUsd: 1 });
        const lease = 'lease:test.1:org';
        const granted = await driver.write(
          grantLease({
            id: lease,
            key: 'org',
            nowMs: now,
            wantNano: 5n * MILLI,
            minNano: 1n,
            share: 1,
            ttlMs: 60_000,
          }),
          { autocommit: true },
        );
        expect(granted?.amountNano).toBe(5n * MILLI);
        const drawn: string[] = [];
        const leases: BatchLeases = {
          leaseFor: (key) => (key === 'org' ? lease : ''),
          drew: (key, amount) => drawn.push(`drew ${key} ${amount / MILLI}`),
          short: (key) => drawn.push(`short ${key}`),
        };
        const single = await driver.write(reserveBatch([request('r0', 1n, ['org', 'team=a'], now)], leases), {
          soft: true,
          autocommit: true,
        });
        expect(single).toEqual([expect.objectContaining({ admitted: true })]);
        const outcomes = await driver.write(
          reserveBatch(
            [request('r1', 3n, ['org', 'team=a'], now), request('r2', 3n, ['org', 'team=a'], now)],
            leases,
          ),
          { soft: true, autocommit: true },
        );
        const summary = outcomes.map((o) =>
          o === LOCKED_LOOK
            ? 'locked look'
            : `${o.admitted ? 'admitted' : 'blocked'} ${o.budgets.map((b) => `${b.key}:${b.reservedNano / MILLI}`).join(' ')}`,
        );
        // The org's shown reserved leaves the lease out; r2 finds 1 left in the lease: the budget's row must decide.
        expect(summary).toEqual(['admitted org:1 team=a:1', 'locked look']);
        expect(drawn).toEqual(['drew org 1', 'drew org 3', 'short org']);
        expect(
          await rows(
            client,
            `SELECT id, budget_key, amount_nano / ${MILLI} FROM reservations ORDER BY id, budget_key`,
          ),
        ).toEqual(['lease:test.1:org org 1', 'r0 org 1', 'r0 team=a 1', 'r1 org 3', 'r1 team=a 3']);
        expect(await counters(client)).toEqual(['org 5', 'team=a 4']); // the org's row untouched by the draws

        // 4 (r0, r1) + 1 (the lease) + 6 > 10, but 4 + 6 fits: the lease is revoked and the call admitted.
        const outcome = await ledger.reserve(request('r3', 6n, ['org', 'team=a'], now));
        expect(outcome?.admitted).toBe(true);
        expect(await rows(client, "SELECT COUNT(*) FROM reservations WHERE status = 'lease'")).toEqual(['0']);
        expect(await counters(client)).toEqual(['org 10', 'team=a 10']);
        // And the next, with no lease left and no room, is refused.
        expect((await ledger.reserve(request('r4', 1n, ['org', 'team=a'], now)))?.admitted).toBe(false);
      } finally {
        await ledger.close();
      }
    });
  });

  describe('when two processors lease one hard budget and call until it is full', () => {
    it(
      'admit exactly what the limit fits, and the counters equal the raw rows',
      { timeout: 60_000 },
      async () => {
        await client.query('DELETE FROM reservations; DELETE FROM budgets');
        const policy = { ...DEFAULT_LEASES, hotCallsPerSecond: 20, tickMs: 50 };
        const ledgers = [0, 1].map(() => new PostgresLedger(url, migrations('postgres'), policy));
        try {
          const service = new BudgetService(ledgers[0]!, () => Date.now());
          await service.putScoped({ org: true, ...hard, limitUsd: 2 }); // 2,000 calls of a thousandth
          for (const team of ['a', 'b']) await service.put(team, { ...hard, limitUsd: 100 });
          let leasesSeen = 0;
          const admittedBy = await Promise.all(
            ledgers.map(async (ledger, p) => {
              let admitted = 0;
              let refusedInARow = 0;
              for (let i = 0; refusedInARow < 20; i++) {
                // Eight calls at a time, paced for the first second so the budget turns hot and is leased.
                const wave = await Promise.all(
                  Array.from({ length: 8 }, (_, j) =>
                    ledger.reserve(request(`p${p}-${i}-${j}`, 1n, ['org', `team=${'ab'[p]}`], Date.now())),
                  ),
                );
                const n = wave.filter((o) => o?.admitted).length;
                admitted += n;
                refusedInARow = n ? 0 : refusedInARow + 8;
                if (i === 60)
                  leasesSeen += Number(
                    (await client.query("SELECT COUNT(*) AS n FROM reservations WHERE status = 'lease'"))
                      .rows[0].n,
                  );
                if (i < 80) await new Promise((r) => setTimeout(r, 25));
              }
              return admitted;
            }),
          );
          expect(leasesSeen).toBeGreaterThan(0); // the run did go through leases
          expect(admittedBy[0]! + admittedBy[1]!).toBe(2_000);
          await Promise.all(ledgers.map((l) => l.close())); // leases go back
          expect(await rows(client, "SELECT COUNT(*) FROM reservations WHERE status = 'lease'")).toEqual([
            '0',
          ]);
          expect(await counters(client)).toEqual([
            'org 2000',
            `team=a ${admittedBy[0]}`,
            `team=b ${admittedBy[1]}`,
          ]);
          const raw = await rows(
            client,
            `SELECT budget_key, (SUM(amount_nano) / ${MILLI})::bigint FROM reservations GROUP BY budget_key ORDER BY budget_key`,
          );
          expect(raw).toEqual(['org 2000', `team=a ${admittedBy[0]}`, `team=b ${admittedBy[1]}`]);
        } finally {
          await Promise.all(ledgers.map((l) => l.close().catch(() => {})));
        }
      },
    );
  });
});
