// Property: budget counters never drift. Random interleavings of reserve / settle by span / span without
// reservation / duplicate span / release / extension of a live reservation / TTL expiry / period rollover / budget
// change / processor restart run against one or more ledgers sharing a database, under budgets of several scopes at
// once — teams, a team × customer, the organisation, "each customer" (a template) and one customer of its own; after
// every step each budget's counters equal what the raw rows say, and every admission decision equals the one a plain
// model of the rows makes (admitted only when every budget covering the call can take it).
import fc from 'fast-check';
import { expect } from 'vitest';
import { BudgetService } from '../../src/budget/budget-service.js';
import { currentPeriod } from '../../src/budget/period.js';
import type { BudgetSpec } from '../../src/budget/budget-spec.js';
import type { CostLedger } from '../../src/ledger/cost-ledger.js';
import { event } from './ledger-contract.js';

/** The dimensions a budget of the property names (a value, or `*` for each value). */
type ModelScope = { team?: string; customer?: string };

/** Direct SQL over the shared database, independent of the adapters' counter code. */
export interface RawRows {
  /** Spend in `[fromMs, toMs)` of the events with the given team and customer (either may be absent: any). */
  spentNano(where: ModelScope, fromMs: number, toMs: number): Promise<bigint>;
  /** What the reservation rows held against a budget (by its key) add up to. */
  reservedNano(budgetKey: string): Promise<bigint>;
}

export interface CounterHarness {
  /** Opens `count` ledgers (processors) on one fresh database. */
  open(
    count: number,
  ): Promise<{ ledgers: CostLedger[]; raw: RawRows; reopen(i: number): Promise<CostLedger> }>;
}

const MILLI = 1_000_000n; // nano-USD per 0.001 USD
const T0 = Date.parse('2026-03-28T20:00:00Z'); // the DST change in Europe/Berlin is the next night

const SPECS: Record<string, BudgetSpec[]> = {
  a: [
    {
      team: 'a',
      period: 'daily',
      timezone: 'Europe/Berlin',
      limitUsd: 0.01,
      thresholds: [0.8],
      enforcement: 'hard',
    },
    { team: 'a', period: 'weekly', timezone: 'UTC', limitUsd: 0.015, thresholds: [0.8], enforcement: 'hard' },
  ],
  b: [
    {
      team: 'b',
      period: 'rolling',
      window: '90m',
      timezone: 'UTC',
      limitUsd: 0.008,
      thresholds: [0.8],
      enforcement: 'hard',
    },
    {
      team: 'b',
      period: 'daily',
      timezone: 'America/Santiago',
      limitUsd: 0.012,
      thresholds: [0.8],
      enforcement: 'hard',
    },
  ],
  c: [
    {
      team: 'c',
      period: 'monthly',
      timezone: 'Asia/Tokyo',
      limitUsd: 0.005,
      thresholds: [0.8],
      enforcement: 'soft',
    },
  ],
};
const TEAMS = ['a', 'b', 'c', 'd']; // d has no budget of its own
const CUSTOMERS = ['', 'x', 'y', 'vip']; // '' calls for no customer: no customer's budget covers them

/** Budgets of other scopes, made once at the start (the team budgets above change as the run goes). */
const SCOPED: { scope: ModelScope & { org?: true }; spec: Omit<BudgetSpec, 'team'> }[] = [
  {
    scope: { org: true },
    spec: { period: 'monthly', timezone: 'UTC', limitUsd: 0.03, thresholds: [0.8], enforcement: 'hard' },
  },
  {
    scope: { customer: '*' },
    spec: { period: 'daily', timezone: 'UTC', limitUsd: 0.006, thresholds: [0.8], enforcement: 'hard' },
  },
  {
    scope: { customer: 'vip' },
    spec: { period: 'daily', timezone: 'UTC', limitUsd: 0.002, thresholds: [0.8], enforcement: 'soft' },
  },
  {
    scope: { team: 'a', customer: 'x' },
    spec: { period: 'weekly', timezone: 'UTC', limitUsd: 0.004, thresholds: [0.8], enforcement: 'hard' },
  },
];

/** A scope's key as the API documents it: `team=…&customer=…` in that order, `org` for none. */
function keyOf(scope: ModelScope): string {
  const parts = (['team', 'customer'] as const)
    .filter((d) => scope[d] !== undefined)
    .map((d) => `${d}=${scope[d]}`);
  return parts.length ? parts.join('&') : 'org';
}

type Op =
  | { kind: 'reserve'; via: number; team: string; customer: string; milli: number; ttlS: number }
  | { kind: 'settle'; via: number; pick: number; milli: number }
  | { kind: 'span'; via: number; team: string; customer: string; milli: number; ageMin: number }
  | { kind: 'duplicate'; via: number; pick: number }
  | { kind: 'release'; via: number; pick: number }
  | { kind: 'extend'; via: number; pick: number; milli: number; ttlS: number }
  | { kind: 'expire'; via: number; lagMin: number }
  | { kind: 'advance'; minutes: number }
  | { kind: 'rebudget'; via: number; team: string; variant: number }
  | { kind: 'restart'; via: number };

function opArbitrary(processors: number): fc.Arbitrary<Op> {
  const via = fc.integer({ min: 0, max: processors - 1 });
  const team = fc.constantFrom(...TEAMS);
  const customer = fc.constantFrom(...CUSTOMERS);
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('reserve' as const),
        via,
        team,
        customer,
        milli: fc.integer({ min: 0, max: 6 }),
        ttlS: fc.integer({ min: 1, max: 3600 }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('settle' as const),
        via,
        pick: fc.nat(),
        milli: fc.integer({ min: 0, max: 5 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('span' as const),
        via,
        team,
        customer,
        milli: fc.integer({ min: 0, max: 4 }),
        ageMin: fc.integer({ min: 0, max: 180 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), via, pick: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), via, pick: fc.nat() }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('extend' as const),
        via,
        pick: fc.nat(),
        milli: fc.integer({ min: 1, max: 4 }),
        ttlS: fc.integer({ min: 1, max: 3600 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('expire' as const),
        via,
        lagMin: fc.integer({ min: 0, max: 120 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('advance' as const),
        minutes: fc.integer({ min: 1, max: 600 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('rebudget' as const),
        via,
        team: fc.constantFrom('a', 'b', 'c'),
        variant: fc.nat(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), via }) },
  );
}

interface ModelEvent {
  team: string;
  customer: string;
  timeMs: number;
  costNano: bigint;
}

interface ModelBudget {
  /** The scope the counter covers (a template's counter: the template's scope with the value in place of `*`). */
  scope: ModelScope;
  spec: BudgetSpec | Omit<BudgetSpec, 'team'>;
}

/** The rows as a plain list: what the counters must always agree with. */
class Model {
  /** Budgets by key; a template by its key (`customer=*`), not a counter itself. */
  readonly budgets = new Map<string, ModelBudget>();
  readonly events = new Map<string, ModelEvent>();
  readonly reservations = new Map<
    string,
    { team: string; customer: string; keys: string[]; amountNano: bigint; expiresMs: number }
  >();
  readonly issued: string[] = []; // every reservation id ever admitted, so ops can pick stale ones too
  readonly inserted: ReturnType<typeof event>[] = [];

  /**
   * The counters covering a call: each budget whose named dimensions all match, a template's as the counter of the
   * call's value (a call without one is not covered) unless a budget of exactly that scope replaces it.
   */
  covering(call: { team: string; customer: string }): string[] {
    const keys: string[] = [];
    for (const [key, b] of this.budgets) {
      const { team, customer } = b.scope;
      if (team !== undefined && team !== call.team) continue;
      if (customer === '*') {
        const counter = keyOf({ ...b.scope, customer: call.customer });
        if (call.customer && !this.budgets.has(counter)) keys.push(counter);
      } else if (customer === undefined || customer === call.customer) keys.push(key);
    }
    return keys.sort();
  }

  /** The spec and scope a counter counts by (a template's counter: its template's spec). */
  budget(key: string): ModelBudget {
    const own = this.budgets.get(key);
    if (own) return own;
    const customer = key.slice('customer='.length);
    return { scope: { customer }, spec: this.budgets.get(keyOf({ customer: '*' }))!.spec };
  }

  /** Every counter to check: each budget but the template, and the template's counter of each customer. */
  counterKeys(): string[] {
    const keys = [...this.budgets.keys()].filter((k) => !k.includes('*'));
    for (const c of CUSTOMERS)
      if (c && !this.budgets.has(keyOf({ customer: c }))) keys.push(keyOf({ customer: c }));
    return keys;
  }

  spent(key: string, now: number): bigint {
    const { scope, spec } = this.budget(key);
    const p = currentPeriod(spec as BudgetSpec, now);
    const end = spec.period === 'rolling' ? Infinity : p.endMs;
    let sum = 0n;
    for (const e of this.events.values())
      if (
        (scope.team === undefined || e.team === scope.team) &&
        (scope.customer === undefined || e.customer === scope.customer) &&
        e.timeMs >= p.startMs &&
        e.timeMs < end
      )
        sum += e.costNano;
    return sum;
  }

  reserved(key: string): bigint {
    let sum = 0n;
    for (const r of this.reservations.values()) if (r.keys.includes(key)) sum += r.amountNano;
    return sum;
  }

  /** Whether every hard budget among `keys` can take `amountNano` more. */
  fits(keys: readonly string[], amountNano: bigint, now: number): boolean {
    return keys.every((key) => {
      const { spec } = this.budget(key);
      return (
        spec.enforcement === 'soft' ||
        this.spent(key, now) + this.reserved(key) + amountNano <= BigInt(Math.round(spec.limitUsd * 1e9))
      );
    });
  }
}

export async function checkBudgetCounters(
  harness: CounterHarness,
  processors: number,
  numRuns: number,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(opArbitrary(processors), { minLength: 5, maxLength: 40 }), async (ops) => {
      const { ledgers, raw, reopen } = await harness.open(processors);
      let now = T0;
      const services = ledgers.map((l) => new BudgetService(l, () => now));
      const model = new Model();
      try {
        for (const spec of Object.values(SPECS).map((s) => s[0]!)) {
          await services[0]!.put(spec.team!, spec);
          model.budgets.set(keyOf({ team: spec.team! }), { scope: { team: spec.team! }, spec });
        }
        for (const { scope, spec } of SCOPED) {
          await services[0]!.putScoped({ ...scope, ...spec });
          const { org: _org, ...dims } = scope;
          model.budgets.set(keyOf(dims), { scope: dims, spec });
        }
        for (const op of ops) {
          const budgets = 'via' in op ? services[op.via]! : services[0]!;
          switch (op.kind) {
            case 'reserve': {
              const keys = model.covering(op);
              const amountNano = BigInt(op.milli) * MILLI;
              const result = await budgets.reserve({
                team: op.team,
                ...(op.customer ? { customer: op.customer } : {}),
                model: 'm',
                estimatedCostUsd: op.milli / 1000,
                ttlSeconds: op.ttlS,
              });
              const expected = model.fits(keys, amountNano, now);
              expect(result.decision === 'BLOCKED', `decision for ${JSON.stringify(op)}`).toBe(!expected);
              if (keys.length && result.reservationId) {
                model.reservations.set(result.reservationId, {
                  team: op.team,
                  customer: op.customer,
                  keys,
                  amountNano,
                  expiresMs: now + op.ttlS * 1000,
                });
                model.issued.push(result.reservationId);
              }
              break;
            }
            case 'settle':
            case 'span': {
              const id =
                op.kind === 'settle' && model.issued.length
                  ? model.issued[op.pick % model.issued.length]
                  : undefined;
              const held = id ? model.reservations.get(id) : undefined;
              const team = op.kind === 'span' ? op.team : (held?.team ?? 'a');
              const customer = op.kind === 'span' ? op.customer : (held?.customer ?? '');
              const endMs = now - (op.kind === 'span' ? op.ageMin * 60_000 : 0);
              const e = event({
                team,
                customer,
                costUsd: op.milli / 1000,
                endMs,
                ...(id ? { reservationId: id } : {}),
              });
              await ledgers[op.via]!.insertEvents([e]);
              model.events.set(`${e.traceId}/${e.spanId}`, {
                team,
                customer,
                timeMs: e.eventTimeMs,
                costNano: e.costNano,
              });
              model.inserted.push(e);
              if (id) model.reservations.delete(id);
              break;
            }
            case 'duplicate': {
              if (!model.inserted.length) break;
              const e = model.inserted[op.pick % model.inserted.length]!;
              expect(await ledgers[op.via]!.insertEvents([e])).toEqual({ inserted: 0, duplicates: 1 });
              break;
            }
            case 'release': {
              if (!model.issued.length) break;
              const id = model.issued[op.pick % model.issued.length]!;
              const live = model.reservations.delete(id);
              if (live) await budgets.release(id);
              else await expect(budgets.release(id)).rejects.toThrow(/no live reservation/);
              break;
            }
            case 'extend': {
              if (!model.issued.length) break;
              const id = model.issued[op.pick % model.issued.length]!;
              const live = model.reservations.get(id);
              const request = { amountUsd: op.milli / 1000, ttlSeconds: op.ttlS };
              if (!live) {
                await expect(budgets.extend(id, request)).rejects.toThrow(/no live reservation/);
                break;
              }
              const amountNano = BigInt(op.milli) * MILLI;
              const fits = model.fits(live.keys, amountNano, now);
              const result = await budgets.extend(id, request);
              expect(result.decision === 'BLOCKED', `extension for ${JSON.stringify(op)}`).toBe(!fits);
              if (fits) {
                live.amountNano += amountNano;
                live.expiresMs = Math.max(live.expiresMs, now + op.ttlS * 1000);
              }
              break;
            }
            case 'expire': {
              const until = now - op.lagMin * 60_000;
              const expected = [...model.reservations].filter(([, r]) => r.expiresMs <= until);
              expect(await budgets.expire(until)).toBe(expected.length);
              for (const [id] of expected) model.reservations.delete(id);
              break;
            }
            case 'advance':
              now += op.minutes * 60_000;
              break;
            case 'rebudget': {
              const variants = SPECS[op.team]!;
              const spec = variants[op.variant % variants.length]!;
              await budgets.put(op.team, spec);
              model.budgets.set(keyOf({ team: op.team }), { scope: { team: op.team }, spec });
              break;
            }
            case 'restart':
              await ledgers[op.via]!.close();
              ledgers[op.via] = await reopen(op.via);
              services[op.via] = new BudgetService(ledgers[op.via]!, () => now);
              break;
          }
          for (const key of model.counterKeys()) {
            const { scope, spec } = model.budget(key);
            const counters = await ledgers[0]!.counters(key, now);
            const where = `budget ${key} after ${JSON.stringify(op)}`;
            const expected = { spent: model.spent(key, now), reserved: model.reserved(key) };
            if (!counters) {
              // A template's counter appears with the first call or span of its value: none yet, nothing counted.
              expect(key.startsWith('customer='), where).toBe(true);
              expect(expected, where).toEqual({ spent: 0n, reserved: 0n });
              continue;
            }
            const p = currentPeriod(spec as BudgetSpec, now);
            const rawSpent = await raw.spentNano(
              scope,
              p.startMs,
              spec.period === 'rolling' ? Number.MAX_SAFE_INTEGER : p.endMs,
            );
            const rawReserved = await raw.reservedNano(key);
            expect({ spent: counters.spentNano, reserved: counters.reservedNano }, where).toEqual({
              spent: rawSpent,
              reserved: rawReserved,
            });
            expect({ spent: rawSpent, reserved: rawReserved }, where).toEqual(expected);
          }
        }
      } finally {
        for (const l of ledgers) await l.close();
      }
    }),
    { numRuns },
  );
}

/**
 * Concurrent writers: bursts of reservations, settling spans, releases, expiries and budget changes from every
 * processor at once; afterwards the counters equal the raw rows, and a hard budget never holds more than its limit.
 */
export async function checkConcurrentCounters(harness: CounterHarness, processors: number): Promise<void> {
  const { ledgers, raw } = await harness.open(processors);
  let now = T0;
  const services = ledgers.map((l) => new BudgetService(l, () => now));
  try {
    await services[0]!.put('a', SPECS.a![0]!);
    await services[0]!.put('b', SPECS.b![0]!);
    // The organisation's hard budget covers every call too: each admission locks two rows, in key order.
    await services[0]!.putScoped({ org: true, ...SCOPED[0]!.spec, limitUsd: 1 });
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          services[i % processors]!.reserve({
            team: i % 3 ? 'a' : 'b',
            model: 'm',
            estimatedCostUsd: 0.001,
            ttlSeconds: 60,
          }),
        ),
      );
      const ids = results.flatMap((r, i) =>
        r.reservationId ? [{ id: r.reservationId, team: i % 3 ? 'a' : 'b' }] : [],
      );
      await Promise.all([
        ...ids.map(({ id, team }, i) =>
          i % 3 === 0
            ? services[i % processors]!.release(id)
            : ledgers[i % processors]!.insertEvents([
                event({ team, costUsd: 0.0005, endMs: now, reservationId: id }),
              ]),
        ),
        services[round % processors]!.put('b', SPECS.b![round % 2]!),
        services[(round + 1) % processors]!.expire(now),
      ]);
      now += 41 * 60_000;
    }
    for (const scope of [{ team: 'a' }, { team: 'b' }, {}] as ModelScope[]) {
      const counters = (await ledgers[0]!.counters(keyOf(scope), now))!;
      const spec = counters.spec;
      const p = currentPeriod(spec, now);
      expect({ spent: counters.spentNano, reserved: counters.reservedNano }, keyOf(scope)).toEqual({
        spent: await raw.spentNano(
          scope,
          p.startMs,
          spec.period === 'rolling' ? Number.MAX_SAFE_INTEGER : p.endMs,
        ),
        reserved: await raw.reservedNano(keyOf(scope)),
      });
    }
  } finally {
    for (const l of ledgers) await l.close();
  }
}

/**
 * Several budgets at once under concurrency: the organisation's hard budget fits exactly 10 calls, each of two teams'
 * fits 6. Forty reservations at once from every processor, for both teams: exactly 10 are admitted, neither team
 * more than 6, and every counter equals the reservation rows held against it.
 */
export async function checkExactAdmission(harness: CounterHarness, processors: number): Promise<void> {
  const { ledgers, raw } = await harness.open(processors);
  const services = ledgers.map((l) => new BudgetService(l, () => T0));
  const hard = { period: 'daily', timezone: 'UTC', enforcement: 'hard' } as const;
  try {
    await services[0]!.putScoped({ org: true, ...hard, limitUsd: 0.01 });
    for (const team of ['a', 'b']) await services[0]!.put(team, { ...hard, limitUsd: 0.006 });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        services[i % processors]!.reserve({ team: i % 2 ? 'a' : 'b', model: 'm', estimatedCostUsd: 0.001 }),
      ),
    );
    const admitted = results
      .map((r, i) => (r.reservationId ? (i % 2 ? 'a' : 'b') : undefined))
      .filter(Boolean);
    expect(admitted).toHaveLength(10);
    expect(admitted.filter((t) => t === 'a').length).toBeLessThanOrEqual(6);
    expect(admitted.filter((t) => t === 'b').length).toBeLessThanOrEqual(6);
    for (const key of ['org', 'team=a', 'team=b']) {
      const counters = (await ledgers[0]!.counters(key, T0))!;
      expect(counters.reservedNano, key).toBe(await raw.reservedNano(key));
    }
    expect((await ledgers[0]!.counters('org', T0))!.reservedNano).toBe(10n * MILLI);
  } finally {
    for (const l of ledgers) await l.close();
  }
}
