// Which parts of the ledger a report reads: whole UTC days from the daily rollup, the whole hours around them from
// the hourly rollup, the partial hours at the edges from the raw events — so its cost grows with neither the ledger
// nor the range. (That the parts add up to the raw events is the ledger contract's test.)
import { describe, expect, it } from 'vitest';
import { aggregateStatements } from '../../src/ledger/sql.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const tables = (q: Parameters<typeof aggregateStatements>[0]) =>
  aggregateStatements(q).map((s) => [/FROM (\w+)/.exec(s.text)![1], ...s.params.slice(0, 2)]);

describe('aggregateStatements', () => {
  const from = Date.parse('2026-03-01T10:30:00Z');
  const to = from + 30 * DAY - 3 * HOUR; // 2026-03-31T07:30Z
  const day = (iso: string) => Date.parse(iso) / DAY;
  const hour = (iso: string) => Date.parse(iso) / HOUR;

  it('reads a 30-day range as 29 whole days, the hours around them and two raw edges', () => {
    expect(tables({ fromMs: from + 1234, toMs: to - 5678, groupBy: ['team', 'model'], filters: {} })).toEqual(
      [
        ['cost_rollup_daily', day('2026-03-02T00:00Z'), day('2026-03-31T00:00Z')],
        ['cost_rollup_hourly', hour('2026-03-01T11:00Z'), hour('2026-03-02T00:00Z')],
        ['cost_rollup_hourly', hour('2026-03-31T00:00Z'), hour('2026-03-31T07:00Z')],
        ['cost_events', from + 1234, hour('2026-03-01T11:00Z') * HOUR],
        ['cost_events', hour('2026-03-31T07:00Z') * HOUR, to - 5678],
      ],
    );
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
      'cost_events',
      'cost_events',
    ]);
    expect(tables({ ...q, groupBy: ['customer'] })).toEqual([['cost_events', from, to]]);
  });
});
