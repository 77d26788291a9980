// Budget counter transactions written once for both ledgers: each script yields its SQL statements and gets their
// rows back; the SQLite adapter runs a script synchronously inside one write transaction, the PostgreSQL adapter
// asynchronously on one client inside BEGIN … COMMIT, locking rows with FOR UPDATE.
import {
  admits,
  counterBounds,
  counterDeltas,
  planRoll,
  rolledSpent,
  type CounterBounds,
  type CounterRow,
} from '../budget/budget-counters.js';
import { limitNano } from '../budget/budget-limit.js';
import { BudgetSpecSchema, type BudgetSpec } from '../budget/budget-spec.js';
import type {
  BudgetCounters,
  RecountResult,
  ReservationRequest,
  ReserveOutcome,
} from '../budget/budget-store.js';
import type { CostEvent } from '../decode/cost-event.js';
import type { Dialect, Row, Script } from './script.js';

const COLUMNS = 'spec, period_start, period_end, window_ms, spent_nano, reserved_nano';

/** Fast-path admission: one conditional update of the team's row, for a calendar period containing now. */
export const RESERVE_FAST_SQL = `UPDATE budgets SET reserved_nano = reserved_nano + $1
  WHERE team = $2 AND window_ms = 0 AND period_start <= $3 AND period_end > $3
    AND (hard = 0 OR spent_nano + reserved_nano + $1 <= limit_nano)
  RETURNING ${COLUMNS}`;
export const INSERT_RESERVATION_SQL = `INSERT INTO reservations (id, team, amount_nano, created_ms, expires_ms, status, model)
  VALUES ($1, $2, $3, $4, $5, 'active', $6)`;

export const reserveFastParams = (r: ReservationRequest) => [r.amountNano, r.team, r.nowMs];
export const insertReservationParams = (r: ReservationRequest) => [
  r.id,
  r.team,
  r.amountNano,
  r.nowMs,
  r.expiresMs,
  r.model ?? '',
];

// Parsed specs by their stored JSON: admission parses none on the hot path.
const specs = new Map<string, BudgetSpec>();
function specOf(json: string): BudgetSpec {
  let spec = specs.get(json);
  if (!spec) {
    spec = BudgetSpecSchema.parse(JSON.parse(json));
    if (specs.size > 10_000) specs.clear();
    specs.set(json, spec);
  }
  return spec;
}

const big = (v: unknown) => BigInt(String(v));

function counterRow(r: Row): CounterRow {
  return {
    periodStartMs: Number(r.period_start),
    periodEndMs: Number(r.period_end),
    windowMs: Number(r.window_ms),
    spentNano: big(r.spent_nano),
    reservedNano: big(r.reserved_nano),
  };
}

/** The outcome of a fast-path row (values after the update) as counters before the admission. */
export function fastOutcome(r: Row, request: ReservationRequest): ReserveOutcome {
  const spec = specOf(String(r.spec));
  const row = counterRow(r);
  return {
    spec,
    period: counterBounds(spec, request.nowMs).period,
    spentNano: row.spentNano,
    reservedNano: row.reservedNano - request.amountNano,
    admitted: true,
  };
}

/**
 * A BLOCKED decision from an unlocked read of the row (a committed state: blocking on it is as exact as blocking
 * a moment earlier), when the row counts the current calendar period; undefined when a locked look is needed.
 */
export function blockedOutcome(r: Row, request: ReservationRequest): ReserveOutcome | undefined {
  const spec = specOf(String(r.spec));
  const row = counterRow(r);
  const bounds = counterBounds(spec, request.nowMs);
  if (
    planRoll(row, bounds).kind !== 'keep' ||
    admits(spec, row.spentNano, row.reservedNano, request.amountNano)
  )
    return undefined;
  return {
    spec,
    period: bounds.period,
    spentNano: row.spentNano,
    reservedNano: row.reservedNano,
    admitted: false,
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

/** Slow-path admission (a new period, a rolling window, or a decision that may be BLOCKED). */
export function* reserveSlow(r: ReservationRequest): Script<ReserveOutcome | undefined> {
  const counters = yield* rollCounters(r.team, r.nowMs);
  if (!counters) return undefined;
  const admitted = admits(counters.spec, counters.spentNano, counters.reservedNano, r.amountNano);
  if (admitted) {
    yield {
      sql: 'UPDATE budgets SET reserved_nano = reserved_nano + $2 WHERE team = $1',
      params: [r.team, r.amountNano],
    };
    yield { sql: INSERT_RESERVATION_SQL, params: insertReservationParams(r) };
  }
  return { ...counters, admitted };
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

function* releaseAmounts(released: Row[]): Script<void> {
  const byTeam = new Map<string, bigint>();
  for (const r of released)
    byTeam.set(String(r.team), (byTeam.get(String(r.team)) ?? 0n) + big(r.amount_nano));
  for (const [team, amount] of [...byTeam].sort(([a], [b]) => (a < b ? -1 : 1))) {
    yield {
      sql: 'UPDATE budgets SET reserved_nano = reserved_nano - $2 WHERE team = $1',
      params: [team, amount],
    };
  }
}

export function* release(id: string): Script<boolean> {
  const rows = yield {
    sql: 'DELETE FROM reservations WHERE id = $1 RETURNING team, amount_nano',
    params: [id],
  };
  yield* releaseAmounts(rows);
  return rows.length === 1;
}

/** Expires up to `limit` reservations per call, so one transaction stays short. */
export function* expireReservations(untilMs: number, limit: number): Script<number> {
  const rows = yield {
    sql: `DELETE FROM reservations WHERE id IN (SELECT id FROM reservations WHERE expires_ms <= $1 ORDER BY expires_ms LIMIT $2)
      RETURNING team, amount_nano`,
    params: [untilMs, limit],
  };
  yield* releaseAmounts(rows);
  return rows.length;
}

/** `column IN (list)` with the list as one parameter: a PostgreSQL array, or JSON that SQLite's json_each reads. */
function inList(dialect: Dialect, column: string, values: string[]): { sql: string; param: unknown } {
  return dialect === 'postgres'
    ? { sql: `${column} = ANY($1)`, param: values }
    : { sql: `${column} IN (SELECT value FROM json_each($1))`, param: JSON.stringify(values) };
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
