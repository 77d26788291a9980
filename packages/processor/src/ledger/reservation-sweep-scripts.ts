// Expiring reservations, once for both ledgers: the sweeper's steps (reservation-service.ts), each deleting a batch of
// expired rows and lowering their budgets' reserved counters.
import type { ExpiredStep } from '../budget/budget-store.js';
import { amountsByBudget } from './reservation-scripts.js';
import { skipLocked, type Dialect, type Row, type Script } from './script.js';

/** The advisory lock PostgreSQL's sweepers take in turn. */
const SWEEP_LOCK = 4_627_002;

/**
 * The id prefix of room an expiry gave back while its budget's row was busy: a lease row no processor holds
 * (lease-scripts.ts), so reads and refusals treat it as the leases' room is treated, and the next sweep lowers the
 * counter by it.
 */
const FREED = 'freed:';

/**
 * Expires the reservations of up to `limit` rows (every row of each call: all its budgets) whose expiry is from
 * `fromMs` to `untilMs`. A sweep's steps start where the last one reached: deleted rows stay in the expiry index until
 * a vacuum, and a step scanning from the start walked them all (its index scan 1.5–2.6 ms at 4,000 rows a second on
 * PostgreSQL; 0.13 ms from where the last step reached). On PostgreSQL one statement (no BEGIN … COMMIT), so budget
 * rows stay locked only while it runs: expired rows deleted (one sweeper at a time; SKIP LOCKED passes rows a
 * settlement holds — a full sweep, from the first expiry, takes them), amounts summed per budget, the budgets' rows
 * locked in key order (as every writer locks them) and lowered; one UPDATE per budget in a transaction would hold them
 * all until its COMMIT. A budget row an admission holds is not waited for: a step that waited held the rows it had
 * locked meanwhile, and the admissions behind them (one step, 40 ms, at 1,000 calls a second). Its amount stays in the
 * counter as room no call holds (a FREED row, expiring just after this sweep's end), which the next sweep lowers it by
 * — the counter still equals the rows. SQLite, whose write lock is the whole database anyway, runs the statements in
 * turn.
 */
export function* expireReservations(
  dialect: Dialect,
  untilMs: number,
  limit: number,
  fromMs = 0,
): Script<ExpiredStep> {
  // PostgreSQL: one sweeper at a time. Two deleting the calls of their batches could each hold rows of a call the
  // other's batch also took (a call has a row per budget) and deadlock — measured: a second lost each time. A
  // processor finding another sweeping expires nothing this round.
  const gate = dialect === 'postgres' ? '(SELECT ok FROM gate) AND ' : '';
  const expired = `DELETE FROM reservations WHERE ${gate}id IN (
      SELECT id FROM reservations WHERE expires_ms >= $3 AND expires_ms <= $1 ORDER BY expires_ms LIMIT $2${skipLocked(dialect)})
    RETURNING id, budget_key, amount_nano, expires_ms, status`;
  if (dialect === 'postgres') {
    const [row] = yield {
      sql: `WITH gate AS (SELECT pg_try_advisory_xact_lock(${SWEEP_LOCK}) AS ok),
        expired AS (${expired}),
        sums AS (SELECT budget_key, SUM(amount_nano) AS amount FROM expired GROUP BY budget_key),
        locked AS (SELECT scope_key FROM budgets WHERE scope_key IN (SELECT budget_key FROM sums)
          ORDER BY scope_key FOR UPDATE SKIP LOCKED),
        updated AS (
          UPDATE budgets b SET reserved_nano = b.reserved_nano - sums.amount FROM sums, locked
          WHERE b.scope_key = sums.budget_key AND locked.scope_key = b.scope_key RETURNING 1),
        freed AS (
          INSERT INTO reservations (id, budget_key, team, amount_nano, created_ms, expires_ms, status, model)
          SELECT '${FREED}' || gen_random_uuid(), budget_key, '', amount, $1, $1 + 1, 'lease', '' FROM sums
          WHERE budget_key NOT IN (SELECT scope_key FROM locked) AND budget_key IN (SELECT scope_key FROM budgets))
        SELECT COUNT(DISTINCT id) FILTER (WHERE status = 'active') AS n, MAX(expires_ms) AS reached, (SELECT ok FROM gate) AS ok FROM expired`,
      params: [untilMs, limit, fromMs],
    };
    return row!.ok === false ? { calls: 0, busy: true } : expiredStep(Number(row!.n), row!.reached);
  }
  const rows = yield { sql: expired, params: [untilMs, limit, fromMs] };
  yield* releaseAmountsAtOnce(rows);
  return expiredStep(
    new Set(rows.filter((r) => r.status === 'active').map((r) => r.id)).size,
    rows.length ? Math.max(...rows.map((r) => Number(r.expires_ms))) : null,
  );
}

const expiredStep = (calls: number, reached: unknown): ExpiredStep =>
  reached === null || reached === undefined ? { calls } : { calls, reachedMs: Number(reached) };

/** Whether any reservation expired from `fromMs` to `untilMs` (read before a sweep: one with none takes no write lock). */
export function* anyExpired(untilMs: number, fromMs: number): Script<boolean> {
  const rows = yield {
    sql: 'SELECT 1 AS one FROM reservations WHERE expires_ms >= $2 AND expires_ms <= $1 LIMIT 1',
    params: [untilMs, fromMs],
  };
  return rows.length > 0;
}

/**
 * SQLite: what released rows held, lowered on every budget in one UPDATE (a batch of expired calls covers as many
 * budgets as it has customers: one statement each made a sweep stall admissions for milliseconds).
 */
function* releaseAmountsAtOnce(released: Row[]): Script<void> {
  const amounts = amountsByBudget(released);
  if (!amounts.length) return;
  // Amounts as JSON integers (exact to 64 bits in SQLite's json_extract), keys as JSON strings.
  const list = `[${amounts.map(([key, amount]) => `[${JSON.stringify(key)},${amount}]`).join(',')}]`;
  yield {
    sql: `UPDATE budgets SET reserved_nano = reserved_nano - released.amount
      FROM (SELECT json_extract(value, '$[0]') AS key, json_extract(value, '$[1]') AS amount FROM json_each($1))
        AS released
      WHERE budgets.scope_key = released.key`,
    params: [list],
  };
}
