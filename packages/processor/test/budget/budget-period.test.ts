import { describe, expect, it } from 'vitest';
import { BudgetSpecSchema } from '../../src/budget/budget-spec.js';
import { currentPeriod } from '../../src/budget/period.js';
import { decide } from '../../src/budget/decision.js';

const spec = (over: Record<string, unknown>) =>
  BudgetSpecSchema.parse({ team: 't', period: 'daily', limitUsd: 10, ...over });
const iso = (p: { startMs: number; endMs: number }) => [
  new Date(p.startMs).toISOString(),
  new Date(p.endMs).toISOString(),
];

describe('currentPeriod', () => {
  describe('when the budget is daily in a time zone', () => {
    it('starts at local midnight (Europe/Berlin, winter: UTC+1)', () => {
      const p = currentPeriod(spec({ timezone: 'Europe/Berlin' }), Date.parse('2026-01-15T22:59:59Z'));
      expect(iso(p)).toEqual(['2026-01-14T23:00:00.000Z', '2026-01-15T23:00:00.000Z']);
    });

    it('rolls over exactly at local midnight', () => {
      const p = currentPeriod(spec({ timezone: 'Europe/Berlin' }), Date.parse('2026-01-15T23:00:00Z'));
      expect(iso(p)).toEqual(['2026-01-15T23:00:00.000Z', '2026-01-16T23:00:00.000Z']);
    });

    it('has 23 hours on the day clocks go forward (2026-03-29 in Berlin)', () => {
      const p = currentPeriod(spec({ timezone: 'Europe/Berlin' }), Date.parse('2026-03-29T12:00:00Z'));
      expect(iso(p)).toEqual(['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    });

    it.each([
      // zone, an instant on the day, the day's first instant (midnight skipped: clocks jump 00:00 → 01:00), its end
      ['America/Santiago', '2026-09-06T12:00:00Z', '2026-09-06T04:00:00.000Z', '2026-09-07T03:00:00.000Z'],
      ['America/Havana', '2026-03-08T12:00:00Z', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z'],
      // the day before the jump ends where the jump day starts
      ['America/Santiago', '2026-09-05T12:00:00Z', '2026-09-05T04:00:00.000Z', '2026-09-06T04:00:00.000Z'],
      // half-hour offsets and a half-hour DST change
      ['Asia/Kolkata', '2026-05-01T12:00:00Z', '2026-04-30T18:30:00.000Z', '2026-05-01T18:30:00.000Z'],
      ['Australia/Lord_Howe', '2026-10-04T12:00:00Z', '2026-10-03T13:30:00.000Z', '2026-10-04T13:00:00.000Z'],
    ])('starts the day at its first local instant in %s (at %s)', (timezone, at, start, end) => {
      expect(iso(currentPeriod(spec({ timezone }), Date.parse(at)))).toEqual([start, end]);
    });

    it('works west of Greenwich (America/New_York)', () => {
      const p = currentPeriod(spec({ timezone: 'America/New_York' }), Date.parse('2026-07-04T03:00:00Z'));
      expect(iso(p)).toEqual(['2026-07-03T04:00:00.000Z', '2026-07-04T04:00:00.000Z']);
    });
  });

  it('starts weeks on Monday', () => {
    const p = currentPeriod(spec({ period: 'weekly' }), Date.parse('2026-11-22T10:00:00Z')); // a Sunday
    expect(iso(p)).toEqual(['2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z']);
  });

  it('spans the calendar month, across the year end', () => {
    const p = currentPeriod(
      spec({ period: 'monthly', timezone: 'Asia/Tokyo' }),
      Date.parse('2026-12-31T16:00:00Z'),
    );
    expect(iso(p)).toEqual(['2026-12-31T15:00:00.000Z', '2027-01-31T15:00:00.000Z']);
  });

  it('makes a rolling window end now', () => {
    const now = Date.parse('2026-05-01T12:00:00Z');
    expect(iso(currentPeriod(spec({ period: 'rolling', window: '6h' }), now))).toEqual([
      '2026-05-01T06:00:00.000Z',
      '2026-05-01T12:00:00.000Z',
    ]);
  });
});

describe('BudgetSpecSchema', () => {
  it('names the bad field', () => {
    const r = BudgetSpecSchema.safeParse({ team: 't', period: 'rolling', limitUsd: 5 });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ['window'], message: 'rolling budgets need a window' });
    expect(
      BudgetSpecSchema.safeParse({ team: 't', period: 'daily', limitUsd: 5, timezone: 'Mars/Olympus' }).error!
        .issues[0]!.path,
    ).toEqual(['timezone']);
  });
});

describe('decide', () => {
  const period = { startMs: 0, endMs: 1 };
  const hard = spec({ limitUsd: 1, enforcement: 'hard' });
  it('admits while spent + reserved + estimate <= limit, and blocks past it', () => {
    expect(decide(hard, period, 500_000_000n, 300_000_000n, 200_000_000n).decision).toBe('WARNING');
    expect(decide(hard, period, 500_000_000n, 300_000_000n, 200_000_001n)).toMatchObject({
      decision: 'BLOCKED',
      reasonCode: 'BUDGET_EXCEEDED',
    });
    expect(decide(hard, period, 0n, 0n, 100_000_000n)).toEqual({ decision: 'ALLOWED' });
  });

  it('explains a block with the team, period and numbers', () => {
    expect(decide(hard, period, 900_000_000n, 0n, 200_000_000n).reason).toBe(
      'team t, daily period 1970-01-01T00:00:00.000Z–1970-01-01T00:00:00.001Z: spent 0.9 + reserved 0 + estimate 0.2 = 1.1 USD against a limit of 1 USD',
    );
  });

  it('only warns for a soft budget', () => {
    expect(decide(spec({ limitUsd: 1 }), period, 2_000_000_000n, 0n, 1n)).toMatchObject({
      decision: 'WARNING',
      reasonCode: 'SOFT_LIMIT_EXCEEDED',
    });
  });
});
