// The budget definitions a processor holds: read once, renewed in the background half-way through their second so
// calls under traffic never wait for a read, and read again (waited for) when older than a second or forgotten.
import { describe, expect, it } from 'vitest';
import type { BudgetSpec } from '../../src/budget/budget-spec.js';
import { KnownBudgets } from '../../src/budget/known-budgets.js';

const spec = (team: string, limitUsd: number): BudgetSpec =>
  ({
    team,
    period: 'daily',
    timezone: 'UTC',
    enforcement: 'soft',
    limitUsd,
    thresholds: [0.8],
  }) as BudgetSpec;

/** A store whose reads the test answers: each read waits until `answer` hands it the budgets of that moment. */
function store() {
  const pending: ((specs: BudgetSpec[]) => void)[] = [];
  return {
    answer: (specs: BudgetSpec[]) => pending.shift()!(specs),
    listBudgets: () => new Promise<BudgetSpec[]>((resolve) => pending.push(resolve)),
    pending,
  };
}

const limits = async (known: KnownBudgets) => [...(await known.get()).specs.values()].map((s) => s.limitUsd);

describe('KnownBudgets', () => {
  it('answers from what it holds while one background read renews it, and waits only when that is a second old', async () => {
    let now = 0;
    const s = store();
    const known = new KnownBudgets(s, () => now);
    const first = limits(known);
    expect(s.pending.length).toBe(1);
    s.answer([spec('ops', 1)]);
    expect(await first).toEqual([1]);

    now = 400; // fresh: no read
    expect(await limits(known)).toEqual([1]);
    expect(s.pending.length).toBe(0);

    now = 600; // half-way: answered at once, one read started for all callers
    expect(await Promise.all([limits(known), limits(known)])).toEqual([[1], [1]]);
    expect(s.pending.length).toBe(1);
    s.answer([spec('ops', 2)]);
    await Promise.resolve();
    expect(await limits(known)).toEqual([2]);

    now = 1_700; // read at 600: over a second old, so the call waits for a new read
    let answered = false;
    const waited = limits(known).then((l) => ((answered = true), l));
    await Promise.resolve();
    expect(answered).toBe(false);
    s.answer([spec('ops', 3)]);
    expect(await waited).toEqual([3]);
  });

  it('after forget, waits for a new read and drops the one in flight', async () => {
    let now = 0;
    const s = store();
    const known = new KnownBudgets(s, () => now);
    const first = limits(known);
    s.answer([spec('ops', 1)]);
    await first;
    now = 600;
    await limits(known); // starts a background read
    known.forget();
    const after = limits(known);
    expect(s.pending.length).toBe(2);
    s.answer([spec('ops', 2)]); // the read from before forget: ignored
    s.answer([spec('ops', 5)]);
    expect(await after).toEqual([5]);
    now = 700;
    expect(await limits(known)).toEqual([5]);
  });
});
