// Budgets and their counters, written once for both ledgers: definitions, counters rolled to the period in force (read
// without a lock, or locked for a write), recounts from the raw rows, and the spend an ingest adds.
import {
  counterBounds,
  counterDeltas,
  planRoll,
  rolledSpent,
  type CounterBounds,
  type CounterRow,
} from '../budget/budget-counters.js';
import { limitNano } from '../budget/budget-limit.js';
import { BudgetSpecSchema, type BudgetSpec } from '../budget/budget-spec.js';
import type { BudgetCounters, RecountResult } from '../budget/budget-store.js';
import type { CostEvent } from '../decode/cost-event.js';
import { inList, type Dialect, type Row, type Script } from './script.js';

export const COLUMNS = 'spec, period_start, period_end, window_ms, spent_nano, reserved_nano';

// Parsed specs by their stored JSON: admission parses none on the hot path.
const specs = new Map<string, BudgetSpec>();
export function specOf(json: string): BudgetSpec {
  let spec = specs.get(json);
  if (!spec) {
    spec = BudgetSpecSchema.parse(JSON.parse(json));
    if (specs.size > 10_000) specs.clear();
    specs.set(json, spec);
  }
  return spec;
}

export const big = (v: unknown) => BigInt(String(v));

export function counterRow(r: Row): CounterRow {
  return {
    periodStartMs: Number(r.period_start),
    periodEndMs: Number(r.period_end),
    windowMs: Number(r.window_ms),
    spentNano: big(r.spent_nano),
    reservedNano: big(r.reserved_nano),
  };
}

function* setCounters(team: string, b: CounterBounds, spent: bigint, reserved: bigint): Script<void> {
  yield {
    sql: `UPDATE budgets SET period_start = $2, period_end = $3, window_ms = $4, spent_nano = $5, reserved_nano = $6 WHERE team = $1`,
    params: [team, b.periodStartMs, b.periodEndMs, b.windowMs, spent, reserved],
  };
}

function* sumSpend(team: string, fromMs: number, toMs: number): Script<bigint> {
  const rows = yield {
    sql: 'SELECT COALESCE(SUM(cost_nano), 0) AS n FROM cost_events WHERE team = $1 AND event_time >= $2 AND event_time < $3',
    params: [team, fromMs, toMs],
  };
  return big(rows[0]!.n);
}

/** Locks the team's row and rolls its counters to the period containing `nowMs`. */
export function* rollCounters(team: string, nowMs: number): Script<BudgetCounters | undefined> {
  const rows = yield { sql: `SELECT ${COLUMNS} FROM budgets WHERE team = $1`, params: [team], lock: true };
  if (!rows[0]) return undefined;
  const spec = specOf(String(rows[0].spec));
  const row = counterRow(rows[0]);
  const bounds = counterBounds(spec, nowMs);
  const plan = planRoll(row, bounds);
  let spentNano = row.spentNano;
  if (plan.kind !== 'keep') {
    spentNano = rolledSpent(row, plan, yield* sumSpend(team, plan.fromMs, plan.toMs));
    yield* setCounters(team, bounds, spentNano, row.reservedNano);
  }
  return { spec, period: bounds.period, spentNano, reservedNano: row.reservedNano };
}

/**
 * Budgets' counters as of `nowMs`, read without writing (no lock): a counter whose period has rolled is summed from
 * the raw rows for the period in force, as the next admission will roll it. One team, or every budget in one pass.
 */
export function* readCounters(nowMs: number, team?: string): Script<BudgetCounters[]> {
  const rows = team
    ? yield { sql: `SELECT team, ${COLUMNS} FROM budgets WHERE team = $1`, params: [team] }
    : yield { sql: `SELECT team, ${COLUMNS} FROM budgets ORDER BY team`, params: [] };
  const out: BudgetCounters[] = [];
  for (const r of rows) {
    const spec = specOf(String(r.spec));
    const row = counterRow(r);
    const bounds = counterBounds(spec, nowMs);
    const plan = planRoll(row, bounds);
    const spentNano =
      plan.kind === 'keep'
        ? row.spentNano
        : rolledSpent(row, plan, yield* sumSpend(String(r.team), plan.fromMs, plan.toMs));
    out.push({ spec, period: bounds.period, spentNano, reservedNano: row.reservedNano });
  }
  return out;
}

/** Counts a team's current period and reservations from the raw rows. */
function* recountTeam(team: string, nowMs: number): Script<RecountResult | undefined> {
  const rows = yield { sql: `SELECT ${COLUMNS} FROM budgets WHERE team = $1`, params: [team], lock: true };
  if (!rows[0]) return undefined;
  const before = counterRow(rows[0]);
  const bounds = counterBounds(specOf(String(rows[0].spec)), nowMs);
  const spentNano = yield* sumSpend(team, bounds.periodStartMs, bounds.periodEndMs);
  const reserved = yield {
    sql: 'SELECT COALESCE(SUM(amount_nano), 0) AS n FROM reservations WHERE team = $1',
    params: [team],
  };
  const reservedNano = big(reserved[0]!.n);
  yield* setCounters(team, bounds, spentNano, reservedNano);
  return {
    team,
    before: { spentNano: before.spentNano, reservedNano: before.reservedNano },
    after: { spentNano, reservedNano },
  };
}

export function* putBudget(spec: BudgetSpec, nowMs: number, managedBy: string): Script<void> {
  yield {
    sql: `INSERT INTO budgets (team, spec, updated_ms, limit_nano, hard, managed_by) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (team) DO UPDATE SET spec = excluded.spec, updated_ms = excluded.updated_ms,
        limit_nano = excluded.limit_nano, hard = excluded.hard, managed_by = excluded.managed_by`,
    params: [
      spec.team,
      JSON.stringify(spec),
      nowMs,
      limitNano(spec),
      spec.enforcement === 'hard' ? 1 : 0,
      managedBy,
    ],
  };
  yield* recountTeam(spec.team, nowMs);
}

export function* recount(nowMs: number, team?: string): Script<RecountResult[]> {
  const teams = team
    ? [team]
    : (yield { sql: 'SELECT team FROM budgets ORDER BY team', params: [] }).map((r) => String(r.team));
  const results: RecountResult[] = [];
  for (const t of teams) {
    const result = yield* recountTeam(t, nowMs);
    if (result) results.push(result);
  }
  return results;
}

/** Inside an ingest transaction, after the fresh events are inserted: settle their reservations, count their spend. */
export function* countIngested(fresh: readonly CostEvent[], dialect: Dialect): Script<void> {
  const ids = fresh.filter((e) => e.reservationId).map((e) => e.reservationId);
  const settled: { team: string; amountNano: bigint }[] = [];
  if (ids.length) {
    const where = inList(dialect, 'id', ids);
    const rows = yield {
      sql: `DELETE FROM reservations WHERE ${where.sql} RETURNING team, amount_nano`,
      params: [where.param],
    };
    for (const r of rows) settled.push({ team: String(r.team), amountNano: big(r.amount_nano) });
  }
  const teams = [...new Set([...fresh.map((e) => e.team), ...settled.map((s) => s.team)])];
  if (!teams.length) return;
  const where = inList(dialect, 'team', teams);
  // Locked in team order, as every writer does, so concurrent ingests never deadlock on counter rows.
  const rows = yield {
    sql: `SELECT team, period_start, period_end FROM budgets WHERE ${where.sql} ORDER BY team`,
    params: [where.param],
    lock: true,
  };
  const bounds = new Map(
    rows.map((r) => [
      String(r.team),
      { periodStartMs: Number(r.period_start), periodEndMs: Number(r.period_end) },
    ]),
  );
  for (const d of counterDeltas(fresh, bounds, settled)) {
    yield {
      sql: 'UPDATE budgets SET spent_nano = spent_nano + $2, reserved_nano = reserved_nano - $3 WHERE team = $1',
      params: [d.team, d.spentNano, d.settledNano],
    };
  }
}

export function* getBudget(team: string): Script<BudgetSpec | undefined> {
  const [row] = yield { sql: 'SELECT spec FROM budgets WHERE team = $1', params: [team] };
  return row ? (JSON.parse(String(row.spec)) as BudgetSpec) : undefined;
}

export function* listBudgets(): Script<BudgetSpec[]> {
  const rows = yield { sql: 'SELECT spec FROM budgets ORDER BY team', params: [] };
  return rows.map((r) => JSON.parse(String(r.spec)) as BudgetSpec);
}

export function* deleteBudget(team: string): Script<boolean> {
  return (yield { sql: 'DELETE FROM budgets WHERE team = $1 RETURNING team', params: [team] }).length === 1;
}

/** Who manages each budget (a budgets file, or '' for the API). */
export function* budgetManagers(): Script<Map<string, string>> {
  const rows = yield { sql: 'SELECT team, managed_by FROM budgets', params: [] };
  return new Map(rows.map((r) => [String(r.team), String(r.managed_by)]));
}
