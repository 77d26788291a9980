// The lease keeper's decisions, round by round: when a budget turns hot it takes a lease, tops it up when half is
// drawn, gives it back when the budget cools or the processor stops, and says once that rounds fail. Its statements
// go to a small model of the lease row (the statements themselves run on the real PostgreSQL:
// budget-leases.stack.test.ts).
import { describe, expect, it } from 'vitest';
import type { ReservationRequest } from '../../src/budget/budget-store.js';
import { DEFAULT_LEASES, LeaseKeeper } from '../../src/ledger/lease-keeper.js';
import { runAsync, type Query, type Row, type Script } from '../../src/ledger/script.js';

const MILLI = 1_000_000n;
const policy = {
  ...DEFAULT_LEASES,
  hotCallsPerSecond: 10,
  holdSeconds: 2,
  tickMs: 3_600_000,
  ttlMs: 10_000_000,
};
const start = Date.parse('2026-12-06T12:00:00Z');

/** A keeper whose clock the test moves (its rounds are called by the test, not its timer). */
function keeperOn(db: ReturnType<typeof ledger>, onError?: (error: unknown) => void) {
  let now = start;
  const keeper = new LeaseKeeper(db.write, policy, onError, () => now);
  return { keeper, tick: (ms: number) => keeper.tick((now = start + ms)) };
}

/** One lease row, as grantLease, renewLease and returnLease change it; `said` records each statement's kind. */
function ledger(grantable = true) {
  const lease = { amount: 0n, expires: 0 };
  const said: string[] = [];
  let down = false;
  const exec = async (step: unknown): Promise<Row[]> => {
    if (down) throw new Error('connection refused');
    const { sql, params } = step as Query;
    if (sql.includes('ON CONFLICT (id, budget_key)')) {
      const want = params[2] as bigint;
      said.push(`grant ${want / MILLI}`);
      if (!grantable) return [];
      lease.amount += want;
      lease.expires = (params[1] as number) + (params[5] as number);
      return [{ amount_nano: lease.amount.toString(), expires_ms: lease.expires }];
    }
    if (sql.startsWith('UPDATE reservations r SET expires_ms')) {
      said.push('renew');
      lease.expires = (params[2] as number) + (params[3] as number);
      return [{ amount_nano: lease.amount.toString(), expires_ms: lease.expires }];
    }
    said.push('return');
    lease.amount = 0n;
    return [];
  };
  const write = <T>(script: Script<T>) => runAsync(script, exec);
  return { write, said, lease, goDown: () => (down = true) };
}

const call = (nowMs: number): ReservationRequest => ({
  id: `c${nowMs}`,
  team: 'a',
  budgets: [
    { key: 'org', templateKey: '' },
    { key: 'customer=acme', templateKey: 'customer=*' },
  ] as ReservationRequest['budgets'],
  amountNano: MILLI,
  nowMs,
  expiresMs: nowMs + 60_000,
});

describe('LeaseKeeper', () => {
  it('leases a budget once it is hot, tops the lease up when half is drawn, and gives it back on close', async () => {
    const db = ledger();
    const { keeper, tick } = keeperOn(db);
    for (let i = 0; i < 20; i++) keeper.note(call(start));
    await tick(100); // under a second of traffic: no rate yet
    expect(keeper.leaseFor('org')).toBe('');
    await tick(1_000); // 20 calls a second, 1 milli each: two seconds' worth wanted
    expect(db.said).toEqual(['grant 40']);
    const id = keeper.leaseFor('org');
    expect(id).toMatch(/^lease:[0-9a-f]{8}\.1:org$/);
    expect(keeper.leaseFor('customer=acme')).toBe(''); // a template's counter is never leased

    for (let i = 0; i < 20; i++) keeper.drew('org', MILLI); // half drawn: not yet below half
    await tick(1_200);
    expect(db.said).toEqual(['grant 40']);
    keeper.drew('org', MILLI);
    await tick(1_400);
    expect(db.said).toEqual(['grant 40', 'grant 21']);
    keeper.short('org'); // a call found it too small: refilled at the next round
    await tick(1_600);
    expect(db.said.at(-1)).toBe('grant 40');
    expect(keeper.leaseFor('org')).toBe(id); // the same row, topped up

    await keeper.close();
    expect(db.said.at(-1)).toBe('return');
    expect(keeper.leaseFor('org')).toBe('');
  });

  it('gives a lease back when its budget cools, and keeps none where the budget grants nothing', async () => {
    const db = ledger();
    const { keeper, tick } = keeperOn(db);
    for (let i = 0; i < 20; i++) keeper.note(call(start));
    await tick(1_000);
    expect(keeper.leaseFor('org')).not.toBe('');
    await tick(2_000); // a second without calls
    expect(db.said).toEqual(['grant 40', 'return']);
    expect(keeper.leaseFor('org')).toBe('');
    await keeper.close();

    const full = ledger(false); // no headroom to spare
    const { keeper: cold, tick: coldTick } = keeperOn(full);
    for (let i = 0; i < 20; i++) cold.note(call(start));
    await coldTick(1_000);
    expect(full.said).toEqual(['grant 40']);
    expect(cold.leaseFor('org')).toBe('');
    await cold.close();
  });

  it('says once that its rounds fail, however many fail', async () => {
    const db = ledger();
    const errors: string[] = [];
    const { keeper, tick } = keeperOn(db, (e) => errors.push(String(e)));
    for (let i = 0; i < 20; i++) keeper.note(call(start));
    db.goDown();
    for (let round = 1; round <= 5; round++) await tick(1_000 * round);
    expect(errors).toEqual(['Error: connection refused']);
    await keeper.close();
  });
});
