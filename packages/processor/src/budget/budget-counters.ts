// Budget counters: the pure arithmetic both ledgers run inside their transactions, so admission reads and writes
// one row per budget covering the call instead of summing the period's spend.
//
// Each budget (and each value of a template's `*`) has one counter row, keyed by its scope's key, holding the bounds
// it counts, `[periodStart, periodEnd)`, the spend of the events its scope covers inside them and the sum of the
// reservations held against it. The invariant, checked by the property tests and restored by `genops budgets recount`:
//   spent    = SUM(cost_events.cost_nano   WHERE the scope covers the event AND periodStart <= event_time < periodEnd)
//   reserved = SUM(reservations.amount_nano WHERE budget_key = the row's key)
// Calendar periods roll over, and rolling windows slide, only while the row is locked; a rolling window
// subtracts just the events that left it, so every admission costs O(1) amortised.
import { limitNano } from './budget-limit.js';
import { windowMs, type BudgetSpec } from './budget-spec.js';
import { currentPeriod, type Period } from './period.js';

/** Upper bound of a rolling window's row: every event from its start on counts. */
export const OPEN_END_MS = 8_640_000_000_000_000;

export interface CounterRow {
  periodStartMs: number;
  periodEndMs: number;
  /** Rolling window length; 0 for calendar periods. */
  windowMs: number;
  spentNano: bigint;
  reservedNano: bigint;
}

/** The bounds a row counts for a spec at `nowMs`, and the period reported to users. */
export interface CounterBounds {
  period: Period;
  periodStartMs: number;
  periodEndMs: number;
  windowMs: number;
}

export function counterBounds(spec: BudgetSpec, nowMs: number): CounterBounds {
  const period = currentPeriod(spec, nowMs);
  if (spec.period === 'rolling') {
    return {
      period,
      periodStartMs: period.startMs,
      periodEndMs: OPEN_END_MS,
      windowMs: windowMs(spec.window!),
    };
  }
  return { period, periodStartMs: period.startMs, periodEndMs: period.endMs, windowMs: 0 };
}

/**
 * How a locked row reaches `bounds`: keep it, subtract the spend in `[from, to)` (a rolling window slid
 * forward), or replace spent with the sum over `[from, to)` (a new period, a changed spec, a clock that went back).
 */
export type RollPlan =
  | { kind: 'keep' }
  | { kind: 'subtract'; fromMs: number; toMs: number }
  | { kind: 'replace'; fromMs: number; toMs: number };

export function planRoll(row: CounterRow, bounds: CounterBounds): RollPlan {
  const same = row.periodStartMs === bounds.periodStartMs && row.periodEndMs === bounds.periodEndMs;
  if (same && row.windowMs === bounds.windowMs) return { kind: 'keep' };
  if (
    bounds.windowMs > 0 &&
    row.windowMs === bounds.windowMs &&
    row.periodEndMs === OPEN_END_MS &&
    bounds.periodStartMs > row.periodStartMs
  ) {
    return { kind: 'subtract', fromMs: row.periodStartMs, toMs: bounds.periodStartMs };
  }
  return { kind: 'replace', fromMs: bounds.periodStartMs, toMs: bounds.periodEndMs };
}

/** Spent after a roll, given the sum the plan asked for (0 for `keep`). */
export function rolledSpent(row: CounterRow, plan: RollPlan, summedNano: bigint): bigint {
  if (plan.kind === 'keep') return row.spentNano;
  if (plan.kind === 'subtract') return row.spentNano - summedNano;
  return summedNano;
}

/** A hard budget admits while spent + reserved + estimate ≤ limit; a soft one always admits (and warns). */
export function admits(
  spec: BudgetSpec,
  spentNano: bigint,
  reservedNano: bigint,
  estimateNano: bigint,
): boolean {
  return spec.enforcement !== 'hard' || spentNano + reservedNano + estimateNano <= limitNano(spec);
}

/** Changes one ingest transaction makes to a budget's row. */
export interface CounterDelta {
  key: string;
  spentNano: bigint;
  /** Reservations the batch settled (their amount leaves `reserved`). */
  settledNano: bigint;
}

export const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * What a batch adds to each counter row: the cost of fresh events inside the bounds of each row covering them, and
 * the amounts of the reservations they settled. Sorted by key, the order in which rows are locked (no deadlocks).
 */
export function counterDeltas(
  events: readonly { keys: readonly string[]; eventTimeMs: number; costNano: bigint }[],
  bounds: ReadonlyMap<string, { periodStartMs: number; periodEndMs: number }>,
  settled: readonly { key: string; amountNano: bigint }[],
): CounterDelta[] {
  const deltas = new Map<string, CounterDelta>();
  const deltaOf = (key: string) => {
    let d = deltas.get(key);
    if (!d) deltas.set(key, (d = { key, spentNano: 0n, settledNano: 0n }));
    return d;
  };
  for (const e of events)
    for (const key of e.keys) {
      const b = bounds.get(key);
      if (b && e.eventTimeMs >= b.periodStartMs && e.eventTimeMs < b.periodEndMs)
        deltaOf(key).spentNano += e.costNano;
    }
  for (const s of settled) if (bounds.has(s.key)) deltaOf(s.key).settledNano += s.amountNano;
  return [...deltas.values()]
    .filter((d) => d.spentNano !== 0n || d.settledNano !== 0n)
    .sort((a, b) => byKey(a.key, b.key));
}
