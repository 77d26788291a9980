// Property: budget counters never drift. Random interleavings of reserve / settle by span / span without
// reservation / duplicate span / release / extension of a live reservation / TTL expiry / period rollover / budget change / processor restart run
// against one or more ledgers sharing a database; after every step each team's counters equal what the raw rows
// say, and every admission decision equals the one a plain model of the rows makes.
import fc from 'fast-check';
import { expect } from 'vitest';
import { BudgetService } from '../../src/budget/budget-service.js';
import { currentPeriod } from '../../src/budget/period.js';
import type { BudgetSpec } from '../../src/budget/budget-spec.js';
import type { CostLedger } from '../../src/ledger/cost-ledger.js';
import { event } from './ledger-contract.js';
import { teamKey } from '../../src/budget/budget-scope.js';

/** Direct SQL over the shared database, independent of the adapters' counter code. */
export interface RawRows {
  spentNano(team: string, fromMs: number, toMs: number): Promise<bigint>;
  reservedNano(team: string): Promise<bigint>;
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
const TEAMS = ['a', 'b', 'c', 'd']; // d has no budget

type Op =
  | { kind: 'reserve'; via: number; team: string; milli: number; ttlS: number }
  | { kind: 'settle'; via: number; pick: number; milli: number }
  | { kind: 'span'; via: number; team: string; milli: number; ageMin: number }
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
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('reserve' as const),
        via,
        team,
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
  timeMs: number;
  costNano: bigint;
}

/** The rows as a plain list: what the counters must always agree with. */
class Model {
  readonly specs = new Map<string, BudgetSpec>();
  readonly events = new Map<string, ModelEvent>();
  readonly reservations = new Map<string, { team: string; amountNano: bigint; expiresMs: number }>();
  readonly issued: string[] = []; // every reservation id ever admitted, so ops can pick stale ones too
  readonly inserted: ReturnType<typeof event>[] = [];

  spent(team: string, now: number): bigint {
    const spec = this.specs.get(team)!;
    const p = currentPeriod(spec, now);
    const end = spec.period === 'rolling' ? Infinity : p.endMs;
    let sum = 0n;
    for (const e of this.events.values())
      if (e.team === team && e.timeMs >= p.startMs && e.timeMs < end) sum += e.costNano;
    return sum;
  }

  reserved(team: string): bigint {
    let sum = 0n;
    for (const r of this.reservations.values()) if (r.team === team) sum += r.amountNano;
    return sum;
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
          model.specs.set(spec.team!, spec);
        }
        for (const op of ops) {
          const budgets = 'via' in op ? services[op.via]! : services[0]!;
          switch (op.kind) {
            case 'reserve': {
              const spec = model.specs.get(op.team);
              const amountNano = BigInt(op.milli) * MILLI;
              const result = await budgets.reserve({
                team: op.team,
                model: 'm',
                estimatedCostUsd: op.milli / 1000,
                ttlSeconds: op.ttlS,
              });
              const expected =
                !spec ||
                spec.enforcement === 'soft' ||
                model.spent(op.team, now) + model.reserved(op.team) + amountNano <=
                  BigInt(Math.round(spec.limitUsd * 1e9));
              expect(result.decision === 'BLOCKED', `decision for ${JSON.stringify(op)}`).toBe(!expected);
              if (spec && result.reservationId) {
                model.reservations.set(result.reservationId, {
                  team: op.team,
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
              const team =
                op.kind === 'span' ? op.team : id ? (model.reservations.get(id)?.team ?? 'a') : 'a';
              const endMs = now - (op.kind === 'span' ? op.ageMin * 60_000 : 0);
              const e = event({
                team,
                costUsd: op.milli / 1000,
                endMs,
                ...(id ? { reservationId: id } : {}),
              });
              await ledgers[op.via]!.insertEvents([e]);
              model.events.set(`${e.traceId}/${e.spanId}`, {
                team,
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
              const spec = model.specs.get(live.team)!;
              const amountNano = BigInt(op.milli) * MILLI;
              const fits =
                spec.enforcement === 'soft' ||
                model.spent(live.team, now) + model.reserved(live.team) + amountNano <=
                  BigInt(Math.round(spec.limitUsd * 1e9));
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
              model.specs.set(op.team, spec);
              break;
            }
            case 'restart':
              await ledgers[op.via]!.close();
              ledgers[op.via] = await reopen(op.via);
              services[op.via] = new BudgetService(ledgers[op.via]!, () => now);
              break;
          }
          for (const [team, spec] of model.specs) {
            const counters = (await ledgers[0]!.counters(teamKey(team), now))!;
            const p = currentPeriod(spec, now);
            const rawSpent = await raw.spentNano(
              team,
              p.startMs,
              spec.period === 'rolling' ? Number.MAX_SAFE_INTEGER : p.endMs,
            );
            const rawReserved = await raw.reservedNano(team);
            const where = `team ${team} after ${JSON.stringify(op)}`;
            expect({ spent: counters.spentNano, reserved: counters.reservedNano }, where).toEqual({
              spent: rawSpent,
              reserved: rawReserved,
            });
            expect({ spent: rawSpent, reserved: rawReserved }, where).toEqual({
              spent: model.spent(team, now),
              reserved: model.reserved(team),
            });
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
    for (const team of ['a', 'b']) {
      const counters = (await ledgers[0]!.counters(teamKey(team), now))!;
      const spec = counters.spec;
      const p = currentPeriod(spec, now);
      expect({ spent: counters.spentNano, reserved: counters.reservedNano }).toEqual({
        spent: await raw.spentNano(
          team,
          p.startMs,
          spec.period === 'rolling' ? Number.MAX_SAFE_INTEGER : p.endMs,
        ),
        reserved: await raw.reservedNano(team),
      });
    }
  } finally {
    for (const l of ledgers) await l.close();
  }
}
