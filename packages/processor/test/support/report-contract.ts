// The report contract both ledgers pass: whatever `[from, to)` a report asks for — inside one 15-second step, inside
// one hour, across hours and days — its figures per group are exactly the raw events' in that range, however the
// events fall in their hours, adjustments and events written in several batches and out of order included. (Which
// parts a report reads is report-scripts.test.ts.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unpricedOf, type CostEvent, type Dimension } from '../../src/decode/cost-event.js';
import { addFigures, noFigures, type AggregateRow, type CostLedger } from '../../src/ledger/cost-ledger.js';
import { event } from './ledger-contract.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-01T22:00:00Z'); // the range crosses a UTC midnight

/** Deterministic draws (mulberry32), so a failure repeats. */
function draws(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** 600 calls over five hours at random milliseconds, and an adjustment of every ninth. */
function randomEvents(random: () => number): CostEvent[] {
  const events: CostEvent[] = [];
  for (let i = 0; i < 600; i++) {
    const e = event({
      traceId: (i + 1).toString(16).padStart(32, '0'),
      spanId: (i + 1).toString(16).padStart(16, '0'),
      team: ['search', 'ads', 'growth'][i % 3],
      model: ['openai/gpt-4o', 'deepseek/deepseek-chat'][Math.floor(random() * 2)],
      endMs: T0 + Math.floor(random() * 5 * HOUR),
      durationMs: 0,
      costUsd: Math.floor(random() * 1e6) / 1e9 + 0.000001,
      upstreamUsd: i % 4 || i % 11 === 0 ? 0 : 0.000000001,
      inputTokens: Math.floor(random() * 900),
      outputTokens: Math.floor(random() * 300),
      error: random() < 0.1,
      costSource: i % 11 ? 'reported' : 'unknown',
    });
    events.push(e);
    if (i % 9 === 0)
      events.push({
        ...e,
        traceId: `adj-${i}`,
        adjustment: true,
        costNano: -e.costNano / 3n,
        inputTokens: 0,
      });
  }
  return events;
}

function expected(events: CostEvent[], fromMs: number, toMs: number, groupBy: Dimension[]): AggregateRow[] {
  const groups = new Map<string, AggregateRow>();
  for (const e of events) {
    if (e.eventTimeMs < fromMs || e.eventTimeMs >= toMs) continue;
    const key = Object.fromEntries(groupBy.map((d) => [d, String(e[d as 'team' | 'model'])]));
    const id = JSON.stringify(key);
    const g = groups.get(id) ?? { key, ...noFigures() };
    const unpriced = unpricedOf(e);
    addFigures(g, {
      costNano: e.costNano,
      upstreamNano: e.upstreamNano,
      requests: e.adjustment ? 0 : 1,
      errors: e.isError ? 1 : 0,
      inputTokens: e.inputTokens,
      outputTokens: e.outputTokens,
      unpricedRequests: unpriced.requests,
      unpricedTokens: unpriced.tokens,
    });
    groups.set(id, g);
  }
  return sorted([...groups.values()]);
}

const sorted = (rows: AggregateRow[]) =>
  rows.sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)));

export function reportContract(name: string, open: () => Promise<CostLedger>): void {
  describe(`${name} (report contract)`, () => {
    let ledger: CostLedger;
    beforeEach(async () => {
      ledger = await open();
    });
    afterEach(async () => ledger.close());

    it('reports exactly the raw events of any range, edges anywhere in their hours', async () => {
      const random = draws(20261206);
      const events = randomEvents(random);
      // In three batches, the last one's calls earlier than the first's: rollups and tree nodes are added to.
      const shuffled = [...events].sort(() => random() - 0.5);
      for (const batch of [shuffled.slice(0, 250), shuffled.slice(250, 500), shuffled.slice(500)])
        await ledger.insertEvents(batch);
      const lengths = [9_000, 14_999, 15_000, 61_000, 40 * 60_000, HOUR, 3 * HOUR + 7_777, 5 * HOUR];
      for (let k = 0; k < 48; k++) {
        // Every other range starts at a call or 1 ms after one, and ends at one: [from, to) holds the first and not
        // the last.
        const at = () => events[Math.floor(random() * events.length)]!.eventTimeMs;
        const fromMs =
          k % 2 ? at() + (k % 4 === 1 ? 0 : 1) : T0 - 20 * 60_000 + Math.floor(random() * 4 * HOUR);
        const toMs = k % 2 ? Math.max(at(), fromMs + 1) : fromMs + lengths[k % lengths.length]!;
        const groupBy: Dimension[] = [[], ['team', 'model'], ['model']][k % 3] as Dimension[];
        const actual = sorted(await ledger.aggregate({ fromMs, toMs, groupBy, filters: {} }));
        expect({ fromMs, toMs, groupBy, rows: actual }).toEqual({
          fromMs,
          toMs,
          groupBy,
          rows: expected(events, fromMs, toMs, groupBy),
        });
      }
    });

    it('reads one snapshot: calls recorded meanwhile before `from` in its hour are never counted', async () => {
      // The report reads from's hour whole and takes away its part before `from`: were the two parts read at
      // different moments, a call recorded between them would be counted although outside the range.
      const fromMs = T0 + 30 * 60_000;
      await ledger.insertEvents([event({ team: 'in', endMs: fromMs + 60_000, durationMs: 0, costUsd: 1 })]);
      let writing = true;
      const writer = (async () => {
        for (let i = 1; writing; i++)
          await ledger.insertEvents([
            event({
              traceId: i.toString(16).padStart(32, '0'),
              team: 'in',
              endMs: T0 + (i % 1_800_000),
              durationMs: 0,
              costUsd: 2,
            }),
          ]);
      })();
      const seen: bigint[] = [];
      for (let k = 0; k < 60; k++) {
        const rows = await ledger.aggregate({ fromMs, toMs: T0 + 2 * HOUR, groupBy: [], filters: {} });
        seen.push(rows[0]!.costNano);
      }
      writing = false;
      await writer;
      expect(new Set(seen)).toEqual(new Set([1_000_000_000n]));
    });

    it('leaves out a group whose events in the first hour all came before the range', async () => {
      await ledger.insertEvents([
        event({ team: 'early', endMs: T0 + 60_000, durationMs: 0, costUsd: 2 }),
        event({ team: 'late', endMs: T0 + 50 * 60_000, durationMs: 0, costUsd: 3 }),
      ]);
      const rows = await ledger.aggregate({
        fromMs: T0 + 30 * 60_000,
        toMs: T0 + 2 * HOUR,
        groupBy: ['team'],
        filters: {},
      });
      expect(rows.map((r) => [r.key.team, r.costNano])).toEqual([['late', 3_000_000_000n]]);
    });
  });
}
