// Which parts of the ledger a report reads: whole UTC days from the daily rollup, the whole hours around them from
// the hourly rollup, the partial hours at the edges from the hour tree and under 15 s of raw events — so its cost
// grows with neither the ledger nor the range. (That the parts add up to the raw events is the ledger contract's test.)
import { describe, expect, it } from 'vitest';
import { aggregateStatements } from '../../src/ledger/report-scripts.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Each statement as [table, from, to] (the tree: [table, hour]), then its tree nodes, then '-' when it is taken away. */
const tables = (q: Parameters<typeof aggregateStatements>[0]) =>
  aggregateStatements(q).map((s) => [
    /FROM (\w+)/.exec(s.text)![1],
    ...s.params.slice(0, 2),
    ...(/node IN \(([^)]*)\)/.exec(s.text)?.slice(1) ?? []),
    ...(s.sign < 0 ? ['-'] : []),
  ]);

describe('aggregateStatements', () => {
  const from = Date.parse('2026-03-01T10:30:00Z');
  const to = from + 30 * DAY - 3 * HOUR; // 2026-03-31T07:30Z
  const day = (iso: string) => Date.parse(iso) / DAY;
  const hour = (iso: string) => Date.parse(iso) / HOUR;

  it('reads a 30-day range as 29 whole days, the hours around them, and each partial hour from the hour tree', () => {
    const at = (iso: string) => Date.parse(iso);
    expect(tables({ fromMs: from + 1234, toMs: to - 5678, groupBy: ['team', 'model'], filters: {} })).toEqual(
      [
        ['cost_rollup_daily', day('2026-03-02T00:00Z'), day('2026-03-31T00:00Z')],
        // from's hour whole, less its first 30 minutes 1.234 s: steps 0-119 as four nodes, then 1.234 s raw
        ['cost_rollup_hourly', hour('2026-03-01T10:00Z'), hour('2026-03-02T00:00Z')],
        ['cost_rollup_hourly', hour('2026-03-31T00:00Z'), hour('2026-03-31T07:00Z')],
        ['cost_rollup_hour_tree', hour('2026-03-01T10:00Z'), '120, 112, 96, 64', '-'],
        ['cost_events', at('2026-03-01T10:30:00Z'), from + 1234, '-'],
        // to's hour until 07:29:54.322: steps 0-118 as six nodes, then 9.322 s raw
        ['cost_rollup_hour_tree', hour('2026-03-31T07:00Z'), '119, 118, 116, 112, 96, 64'],
        ['cost_events', at('2026-03-31T07:29:45Z'), to - 5678],
      ],
    );
  });

  it('reads a range inside one hour as the difference of its two ends, and one under 15 s raw', () => {
    const t = Date.parse('2026-03-01T10:00:00Z');
    expect(tables({ fromMs: t + 20_000, toMs: t + 61_000, groupBy: [], filters: {} })).toEqual([
      ['cost_rollup_hour_tree', t / HOUR, '1', '-'],
      ['cost_events', t + 15_000, t + 20_000, '-'],
      ['cost_rollup_hour_tree', t / HOUR, '4'],
      ['cost_events', t + 60_000, t + 61_000],
    ]);
    expect(tables({ fromMs: t + 16_000, toMs: t + 29_000, groupBy: [], filters: {} })).toEqual([
      ['cost_events', t + 16_000, t + 29_000],
    ]);
  });

  it('reads whole days alone when the range is whole days', () => {
    const q = { fromMs: Date.parse('2026-03-01T00:00Z'), toMs: Date.parse('2026-04-01T00:00Z'), filters: {} };
    expect(tables({ ...q, groupBy: [] })).toEqual([
      ['cost_rollup_daily', day('2026-03-01T00:00Z'), day('2026-04-01T00:00Z')],
    ]);
    // By day in UTC, too: a UTC day is a daily row.
    expect(tables({ ...q, groupBy: ['day'], timezone: 'UTC' })[0]![0]).toBe('cost_rollup_daily');
  });

  it('keeps to hourly rows where a local day starts mid UTC day, and to raw events by customer', () => {
    const q = { fromMs: from, toMs: to, filters: {} };
    expect(tables({ ...q, groupBy: ['day'], timezone: 'Europe/Berlin' }).map(([table]) => table)).toEqual([
      'cost_rollup_hourly',
      'cost_rollup_hour_tree',
      'cost_rollup_hour_tree',
    ]);
    expect(tables({ ...q, groupBy: ['customer'] })).toEqual([['cost_events', from, to]]);
  });
});
