// The contract every CostLedger adapter passes (SQLite in the unit project, PostgreSQL against the real server).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCostReport } from '../../src/report/cost-report.js';
import { decodeCostSpans } from '../../src/decode/decode-cost-spans.js';
import type { CostEvent, Dimension } from '../../src/decode/cost-event.js';
import type { CostLedger } from '../../src/ledger/cost-ledger.js';
import { PriceCatalog } from '@genops/pricing';
import { otlpMessage, otlpSpan, type SyntheticSpan } from './otlp.js';

const T0 = Date.parse('2026-03-01T10:30:00Z');
const HOUR = 3_600_000;

/** Prices nothing: the processor keeps the cost each synthetic span sends (ingest pricing has tests of its own). */
export const AS_SENT = new PriceCatalog({ version: 'as-sent', models: {} });

/** The event a synthetic span becomes, its cost as sent. */
export function event(s: SyntheticSpan): CostEvent {
  const { events, failures } = decodeCostSpans(otlpMessage([otlpSpan(s)]), { catalog: AS_SENT });
  if (failures.length) throw new Error(failures[0]!.reason);
  return events[0]!;
}

export function ledgerContract(name: string, open: () => Promise<CostLedger>): void {
  describe(`${name} (CostLedger contract)`, () => {
    let ledger: CostLedger;
    beforeEach(async () => {
      ledger = await open();
    });
    afterEach(async () => ledger.close());

    describe('when the same event arrives again', () => {
      it('counts it once, within a batch and across batches', async () => {
        const a = event({ costUsd: 0.25, endMs: T0 });
        const b = event({ costUsd: 0.5, endMs: T0 });
        expect(await ledger.insertEvents([a, b, a])).toEqual({ inserted: 2, duplicates: 1 });
        expect(await ledger.insertEvents([b])).toEqual({ inserted: 0, duplicates: 1 });
        const report = buildCostReport(
          { fromMs: T0 - HOUR, toMs: T0 + HOUR, groupBy: [], filters: {} },
          await ledger.aggregate({ fromMs: T0 - HOUR, toMs: T0 + HOUR, groupBy: [], filters: {} }),
        );
        expect(report.totals).toEqual({
          costUsd: 0.75,
          upstreamCostUsd: 0,
          requests: 2,
          errors: 0,
          inputTokens: 60,
          outputTokens: 20,
          totalTokens: 80,
          unpricedRequests: 0,
          unpricedTokens: 0,
        });
      });
    });

    describe('when reporting by team and model', () => {
      it('sums exactly and sorts groups by cost, descending', async () => {
        await ledger.insertEvents([
          event({ team: 'search', model: 'deepseek/deepseek-chat', costUsd: 0.000021, endMs: T0 }),
          event({ team: 'search', model: 'deepseek/deepseek-chat', costUsd: 0.000021, endMs: T0 + 1 }),
          event({ team: 'search', model: 'openai/gpt-4o', costUsd: 0.0125, endMs: T0 + 2, error: true }),
          event({
            team: 'ads',
            model: 'qwen/qwen-max',
            costUsd: 0.1,
            endMs: T0 + 3,
            inputTokens: 1000,
            outputTokens: 500,
          }),
        ]);
        const query = {
          fromMs: T0 - HOUR,
          toMs: T0 + HOUR,
          groupBy: ['team', 'model'] as const,
          filters: {},
        };
        const report = buildCostReport(
          { ...query, groupBy: [...query.groupBy] },
          await ledger.aggregate({ ...query, groupBy: [...query.groupBy] }),
        );
        expect(report.groups.map((g) => [g.key, g.costUsd, g.requests, g.errors])).toEqual([
          [{ team: 'ads', model: 'qwen/qwen-max' }, 0.1, 1, 0],
          [{ team: 'search', model: 'openai/gpt-4o' }, 0.0125, 1, 1],
          [{ team: 'search', model: 'deepseek/deepseek-chat' }, 0.000042, 2, 0],
        ]);
        expect(report.totals.costUsd).toBe(0.112542);
        expect(report.groups[0]!.costPerMillionTokens).toBe(66.666666666666);
        const filtered = await ledger.aggregate({
          ...query,
          groupBy: ['model'],
          filters: { team: 'search' },
        });
        expect(
          buildCostReport({ ...query, groupBy: ['model'], filters: { team: 'search' } }, filtered).totals
            .requests,
        ).toBe(3);
      });
    });

    describe('when the range cuts through hours', () => {
      it('combines hourly rollups with the raw events at either edge, [from, to)', async () => {
        const at = [T0, T0 + HOUR / 2 + 60_000, T0 + HOUR + 30 * 60_000, T0 + 2 * HOUR + 15 * 60_000];
        await ledger.insertEvents(at.map((endMs, i) => event({ endMs, costUsd: i + 1 })));
        const sum = async (fromMs: number, toMs: number) =>
          buildCostReport(
            { fromMs, toMs, groupBy: [], filters: {} },
            await ledger.aggregate({ fromMs, toMs, groupBy: [], filters: {} }),
          ).totals;
        // Events at 10:30, 11:01, 12:00, 12:45; [10:45, 12:50) holds the last three.
        expect((await sum(T0 + 15 * 60_000, T0 + 2 * HOUR + 20 * 60_000)).costUsd).toBe(2 + 3 + 4);
        expect((await sum(T0 + HOUR / 2, T0 + (3 * HOUR) / 2)).costUsd).toBe(2); // exactly [11:00, 12:00)
        expect((await sum(T0, T0 + 1)).costUsd).toBe(1); // from inclusive
        expect((await sum(T0 + 1, at[1]!)).requests).toBe(0); // to exclusive
      });
    });

    describe('when the range spans whole days', () => {
      it('reads whole days from the daily rollup, the hours around them and the raw edges: equal to the raw events', async () => {
        // Five days of calls: two teams, two models, every 7 hours and 13 minutes, costs that differ per call.
        const spans: SyntheticSpan[] = [];
        for (let i = 0; i < 17; i++)
          spans.push({
            team: i % 2 ? 'search' : 'ads',
            model: i % 3 ? 'openai/gpt-4o' : 'deepseek/deepseek-chat',
            endMs: T0 - 24 * HOUR + i * (7 * HOUR + 13 * 60_000),
            costUsd: (i + 1) * 0.001001,
          });
        const events = spans.map(event);
        await ledger.insertEvents(events);
        const expected = (fromMs: number, toMs: number) => {
          const sums = new Map<string, bigint>();
          for (const e of events)
            if (e.eventTimeMs >= fromMs && e.eventTimeMs < toMs)
              sums.set(`${e.team} ${e.model}`, (sums.get(`${e.team} ${e.model}`) ?? 0n) + e.costNano);
          return [...sums].sort(([a], [b]) => (a < b ? -1 : 1));
        };
        const actual = async (fromMs: number, toMs: number) => {
          const sums = new Map<string, bigint>();
          const q = { fromMs, toMs, groupBy: ['team', 'model'] as Dimension[], filters: {} };
          for (const r of await ledger.aggregate(q))
            sums.set(
              `${r.key.team} ${r.key.model}`,
              (sums.get(`${r.key.team} ${r.key.model}`) ?? 0n) + r.costNano,
            );
          return [...sums].filter(([, n]) => n !== 0n).sort(([a], [b]) => (a < b ? -1 : 1));
        };
        for (const [from, to] of [
          [T0 - 30 * HOUR - 1234, T0 + 100 * HOUR + 5678], // partial hours, whole hours, whole days, both edges
          [T0 - 10.5 * HOUR, T0 + 61 * HOUR], // from mid-day to mid-day
          [Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-03-03T00:00:00Z')], // whole days only
          [Date.parse('2026-02-28T00:00:00Z'), Date.parse('2026-03-05T00:00:00Z')], // every day, whole
          [T0 + 3 * HOUR + 1, T0 + 5 * HOUR - 1], // within a day
        ] as const)
          expect(await actual(from, to)).toEqual(expected(from, to));
      });
    });

    describe('when grouping by customer (not in the rollup)', () => {
      it('reads raw events over whole hours too', async () => {
        await ledger.insertEvents([
          event({ customer: 'c-1', costUsd: 1, endMs: T0 }),
          event({ customer: 'c-2', costUsd: 2, endMs: T0 + HOUR }),
          event({ customer: 'c-1', costUsd: 4, endMs: T0 + 2 * HOUR }),
        ]);
        const q = {
          fromMs: T0 - 10 * HOUR,
          toMs: T0 + 10 * HOUR,
          groupBy: ['customer' as const],
          filters: {},
        };
        expect(
          buildCostReport(q, await ledger.aggregate(q)).groups.map((g) => [g.key.customer, g.costUsd]),
        ).toEqual([
          ['c-1', 5],
          ['c-2', 2],
        ]);
        const f = { ...q, groupBy: [], filters: { customer: 'c-2' } };
        expect(buildCostReport(f, await ledger.aggregate(f)).totals.costUsd).toBe(2);
      });
    });

    describe('when grouping by day', () => {
      it('keys groups by UTC date', async () => {
        await ledger.insertEvents([
          event({ endMs: T0, costUsd: 1 }),
          event({ endMs: T0 + 24 * HOUR, costUsd: 2 }),
        ]);
        const q = { fromMs: T0 - 12 * HOUR, toMs: T0 + 48 * HOUR, groupBy: ['day' as const], filters: {} };
        const report = buildCostReport(q, await ledger.aggregate(q));
        expect(report.groups.map((g) => [g.key.day, g.costUsd])).toEqual([
          ['2026-03-02', 2],
          ['2026-03-01', 1],
        ]);
      });
    });

    describe('when asked for provider samples', () => {
      it('returns one sample per call with its served provider', async () => {
        await ledger.insertEvents([
          event({ servedProvider: 'Together', durationMs: 200, endMs: T0 }),
          event({ servedProvider: 'DeepInfra', durationMs: 100, endMs: T0, error: true }),
        ]);
        const samples = await ledger.providerSamples({ fromMs: T0 - HOUR, toMs: T0 + HOUR, filters: {} });
        expect(samples.map((s) => [s.servedProvider, s.durationMs, s.isError]).sort()).toEqual([
          ['DeepInfra', 100, true],
          ['Together', 200, false],
        ]);
      });
    });

    describe('when calls were BYOK (the provider billed the caller’s own key)', () => {
      it('reports the upstream cost inside the total, from rollups and raw edges alike', async () => {
        await ledger.insertEvents([
          event({ team: 'byok', costUsd: 0.00001575, upstreamUsd: 0.000015, endMs: T0 }),
          event({ team: 'byok', costUsd: 0.000021, endMs: T0 + 2 * HOUR }),
          event({ team: 'byok', costUsd: 0.105, upstreamUsd: 0.1, endMs: T0 + 3 * HOUR + 1 }),
        ]);
        const query = { fromMs: T0 - 1, toMs: T0 + 4 * HOUR, groupBy: [], filters: { team: 'byok' } };
        expect(buildCostReport(query, await ledger.aggregate(query)).totals).toMatchObject({
          costUsd: 0.10503675,
          upstreamCostUsd: 0.100015,
          requests: 3,
        });
      });
    });

    describe('when a report groups by day, week or month in a time zone', () => {
      const at = (iso: string, team = 'tz') => event({ team, costUsd: 1, endMs: Date.parse(iso) });
      const labels = async (
        groupBy: Dimension[],
        timezone: string,
        range = ['2026-02-20T00:00:00Z', '2026-04-10T00:00:00Z'],
      ) => {
        const query = {
          fromMs: Date.parse(range[0]!),
          toMs: Date.parse(range[1]!),
          groupBy,
          filters: {},
          timezone,
        };
        const report = buildCostReport(query, await ledger.aggregate(query));
        return report.groups.map((g) => [g.key[groupBy[0]!], g.requests]).sort();
      };

      it.each([
        // zone, groupBy, expected [label, requests]
        [
          'UTC',
          'day',
          [
            ['2026-03-01', 3],
            ['2026-03-02', 1],
            ['2026-03-31', 1],
            ['2026-09-06', 2],
          ],
        ],
        [
          'America/New_York',
          'day',
          [
            ['2026-02-28', 1],
            ['2026-03-01', 2],
            ['2026-03-02', 1],
            ['2026-03-31', 1],
            ['2026-09-05', 1],
            ['2026-09-06', 1],
          ],
        ],
        // +05:30: quarter-hour buckets, so 18:15Z and 18:45Z fall on either side of local midnight
        [
          'Asia/Kolkata',
          'day',
          [
            ['2026-03-01', 2],
            ['2026-03-02', 2],
            ['2026-04-01', 1],
            ['2026-09-06', 2],
          ],
        ],
        // DST starts at midnight: the local day of 2026-09-06 begins at 04:00Z
        [
          'America/Santiago',
          'day',
          [
            ['2026-03-01', 3], // summer time (-03): 03:00Z is local midnight
            ['2026-03-02', 1],
            ['2026-03-31', 1],
            ['2026-09-05', 1],
            ['2026-09-06', 1],
          ],
        ],
        [
          'UTC',
          'week',
          [
            ['2026-02-23', 3],
            ['2026-03-02', 1],
            ['2026-03-30', 1],
            ['2026-08-31', 2],
          ],
        ],
        [
          'Asia/Tokyo',
          'week',
          [
            ['2026-02-23', 1],
            ['2026-03-02', 3],
            ['2026-03-30', 1],
            ['2026-08-31', 2],
          ],
        ],
        [
          'UTC',
          'month',
          [
            ['2026-03', 5],
            ['2026-09', 2],
          ],
        ],
        [
          'Europe/Berlin',
          'month',
          [
            ['2026-03', 4],
            ['2026-04', 1],
            ['2026-09', 2],
          ],
        ],
      ] as const)('in %s by %s', async (timezone, dimension, expected) => {
        await ledger.insertEvents([
          at('2026-03-01T03:00:00Z'), // New York: Feb 28 · Santiago (-03): Mar 1 00:00
          at('2026-03-01T18:15:00Z'), // Kolkata: Mar 1 23:45
          at('2026-03-01T18:45:00Z'), // Kolkata: Mar 2 00:15 · Tokyo: Mar 2 03:45 (a Monday)
          at('2026-03-02T10:00:00Z'),
          at('2026-03-31T23:30:00Z'), // Berlin: Apr 1 01:30 · Kolkata: Apr 1 05:00
          at('2026-09-06T03:30:00Z'), // Santiago: Sep 5 23:30 (-04)
          at('2026-09-06T04:10:00Z'), // Santiago: Sep 6 01:10 (-03): the day began at 04:00Z
        ]);
        const range = ['2026-02-20T00:00:00Z', '2026-09-30T00:00:00Z'];
        expect(await labels([dimension], timezone, range)).toEqual([...expected].map((e) => [...e]).sort());
      });
    });
  });
}
