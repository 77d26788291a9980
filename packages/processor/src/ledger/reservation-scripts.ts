// Reservations, written once for both ledgers: admission against every budget covering a call (a fast path of one
// step for a call with one budget, a slow path that locks each budget's row in key order and decides), release, and
// the expiry of reservations whose call never reported. A reservation has one row per budget that admitted it.
import { admits, byKey, counterBounds, planRoll } from '../budget/budget-counters.js';
import type {
  ExpiredStep,
  ExtensionRequest,
  ReservationRequest,
  ReserveOutcome,
} from '../budget/budget-store.js';
import { big, COLUMNS, counterRow, makeTemplateCounters, rollCounters, specOf } from './budget-scripts.js';
import { skipLocked, type Dialect, type Row, type Script } from './script.js';
import { LOCKED_LOOK } from './locked-look.js';
import { reserveAllAtOnce } from './multi-budget-scripts.js';

/** Fast-path admission: one conditional update of the budget's row, for a calendar period containing now. */
const RESERVE_FAST_SQL = `UPDATE budgets SET reserved_nano = reserved_nano + $1
  WHERE scope_key = $2 AND window_ms = 0 AND period_start <= $3 AND period_end > $3
    AND (hard = 0 OR spent_nano + reserved_nano + $1 <= limit_nano)
  RETURNING ${COLUMNS}`;
const INSERT_RESERVATION_SQL = `INSERT INTO reservations (id, budget_key, team, amount_nano, created_ms, expires_ms, status, model)
  VALUES ($1, $2, $3, $4, $5, $6, 'active', $7)`;

const insertReservationParams = (r: ReservationRequest, key: string) => [
  r.id,
  key,
  r.team,
  r.amountNano,
  r.nowMs,
  r.expiresMs,
  r.model ?? '',
];

export { LOCKED_LOOK };

/**
 * Most admissions of a call one budget covers, in one step: the conditional UPDATE admits and the reservation is
 * recorded. On PostgreSQL that is one statement (one round trip, run without BEGIN … COMMIT), and when it matched
 * nothing the row as of the same snapshot says whether the call is BLOCKED; SQLite runs the two statements in its
 * write transaction. Several budgets, a template's counter, a new period, a rolling window or an undecided block
 * answer LOCKED_LOOK: `reserveSlow` then locks the rows and decides.
 */
export function* reserveFast(
  r: ReservationRequest,
  dialect: Dialect,
): Script<ReserveOutcome | typeof LOCKED_LOOK | undefined> {
  if (r.budgets.length > 1 || r.budgets[0]?.templateKey) return yield* reserveAllAtOnce(r, dialect);
  const key = r.budgets[0]!.key;
  const fastParams = [r.amountNano, key, r.nowMs];
  if (dialect === 'sqlite') {
    const [fast] = yield { sql: RESERVE_FAST_SQL, params: fastParams };
    if (!fast) return LOCKED_LOOK;
    yield { sql: INSERT_RESERVATION_SQL, params: insertReservationParams(r, key) };
    return fastOutcome(fast, key, r);
  }
  const [row] = yield {
    sql: `WITH admitted AS (${RESERVE_FAST_SQL}),
      inserted AS (INSERT INTO reservations (id, budget_key, team, amount_nano, created_ms, expires_ms, status, model)
        SELECT $4::text, $2, $6::text, $1, $3, $5::bigint, 'active', $7::text FROM admitted)
      SELECT true AS admitted, * FROM admitted
      UNION ALL
      SELECT false, ${COLUMNS} FROM budgets WHERE scope_key = $2 AND NOT EXISTS (SELECT 1 FROM admitted)`,
    params: [...fastParams, r.id, r.expiresMs, r.team, r.model ?? ''],
  };
  if (!row) return undefined;
  if (row.admitted === true) return fastOutcome(row, key, r);
  return blockedOutcome(row, key, r) ?? LOCKED_LOOK;
}

/** The outcome of a fast-path row (values after the update) as counters before the admission. */
function fastOutcome(r: Row, key: string, request: ReservationRequest): ReserveOutcome {
  const spec = specOf(String(r.spec));
  const row = counterRow(r);
  return {
    admitted: true,
    budgets: [
      {
        key,
        templateKey: String(r.template_key),
        spec,
        period: counterBounds(spec, request.nowMs).period,
        spentNano: row.spentNano,
        reservedNano: row.reservedNano - request.amountNano,
      },
    ],
  };
}

/**
 * A BLOCKED decision from an unlocked read of the row (a committed state: blocking on it is as exact as blocking
 * a moment earlier), when the row counts the current calendar period; undefined when a locked look is needed.
 */
function blockedOutcome(r: Row, key: string, request: ReservationRequest): ReserveOutcome | undefined {
  const spec = specOf(String(r.spec));
  const row = counterRow(r);
  const bounds = counterBounds(spec, request.nowMs);
  if (
    planRoll(row, bounds).kind !== 'keep' ||
    admits(spec, row.spentNano, row.reservedNano, request.amountNano)
  )
    return undefined;
  return {
    admitted: false,
    budgets: [
      {
        key,
        templateKey: String(r.template_key),
        spec,
        period: bounds.period,
        spentNano: row.spentNano,
        reservedNano: row.reservedNano,
      },
    ],
  };
}

/**
 * Slow-path admission: each covering budget's row locked in key order (a template's counter made first when it has
 * none yet) and rolled to the current period; the call is admitted only if every one of them admits it, and then
 * reserved against each, in the same transaction.
 */
export function* reserveSlow(r: ReservationRequest): Script<ReserveOutcome | undefined> {
  const covering = [...r.budgets].sort((a, b) => byKey(a.key, b.key));
  yield* makeTemplateCounters(covering, r.nowMs);
  const budgets = [];
  for (const b of covering) {
    const counters = yield* rollCounters(b.key, r.nowMs);
    if (counters) budgets.push(counters);
  }
  if (!budgets.length) return undefined;
  const admitted = budgets.every((c) => admits(c.spec, c.spentNano, c.reservedNano, r.amountNano));
  if (admitted)
    for (const c of budgets) {
      yield {
        sql: 'UPDATE budgets SET reserved_nano = reserved_nano + $2 WHERE scope_key = $1',
        params: [c.key, r.amountNano],
      };
      yield { sql: INSERT_RESERVATION_SQL, params: insertReservationParams(r, c.key) };
    }
  return { admitted, budgets };
}

/**
 * A call's template counters made and rolled to the current period, each row locked alone: what the first call of a
 * new customer (or the first in a new period) needs before a one-step admission can decide it, done without holding
 * the rows of its other budgets — the organisation's among them.
 */
export function* readyTemplateCounters(r: ReservationRequest): Script<void> {
  const templates = r.budgets.filter((b) => b.templateKey).sort((a, b) => byKey(a.key, b.key));
  yield* makeTemplateCounters(templates, r.nowMs);
  for (const t of templates) yield* rollCounters(t.key, r.nowMs);
}

/** What released reservation rows held, summed per budget, in key order. */
function amountsByBudget(released: Row[]): [string, bigint][] {
  const byBudget = new Map<string, bigint>();
  for (const r of released)
    byBudget.set(String(r.budget_key), (byBudget.get(String(r.budget_key)) ?? 0n) + big(r.amount_nano));
  return [...byBudget].sort(([a], [b]) => byKey(a, b));
}

/** Lowers each budget's reserved counter by what the given reservation rows held, in key order. */
function* releaseAmounts(released: Row[]): Script<void> {
  for (const [key, amount] of amountsByBudget(released)) {
    yield {
      sql: 'UPDATE budgets SET reserved_nano = reserved_nano - $2 WHERE scope_key = $1',
      params: [key, amount],
    };
  }
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

export function* release(id: string): Script<boolean> {
  const rows = yield {
    sql: 'DELETE FROM reservations WHERE id = $1 RETURNING budget_key, amount_nano',
    params: [id],
  };
  yield* releaseAmounts(rows);
  return rows.length > 0;
}

/** The advisory lock PostgreSQL's sweepers take in turn. */
const SWEEP_LOCK = 4_627_002;

/**
 * Expires the reservations of up to `limit` rows (every row of each call: all its budgets) whose expiry is from
 * `fromMs` to `untilMs`. A sweep's steps start where the last one reached: deleted rows stay in the expiry index until
 * a vacuum, and a step scanning from the start walked them all (its index scan 1.5–2.6 ms at 4,000 rows a second on
 * PostgreSQL; 0.13 ms from where the last step reached). On PostgreSQL one statement (no BEGIN … COMMIT), so budget
 * rows stay locked only while it runs: expired rows deleted (one sweeper at a time; SKIP LOCKED passes rows a
 * settlement holds — the next sweep, from the start, takes them), amounts summed per budget, the budgets' rows locked
 * in key order (as every writer locks them) and lowered; one UPDATE per budget in a transaction would hold them all
 * until its COMMIT. SQLite, whose write lock is the whole database anyway, runs the statements in turn.
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
    RETURNING id, budget_key, amount_nano, expires_ms`;
  if (dialect === 'postgres') {
    const [row] = yield {
      sql: `WITH gate AS (SELECT pg_try_advisory_xact_lock(${SWEEP_LOCK}) AS ok),
        expired AS (${expired}),
        sums AS (SELECT budget_key, SUM(amount_nano) AS amount FROM expired GROUP BY budget_key),
        locked AS (SELECT scope_key FROM budgets WHERE scope_key IN (SELECT budget_key FROM sums)
          ORDER BY scope_key FOR UPDATE),
        updated AS (
          UPDATE budgets b SET reserved_nano = b.reserved_nano - sums.amount FROM sums, locked
          WHERE b.scope_key = sums.budget_key AND locked.scope_key = b.scope_key RETURNING 1)
        SELECT COUNT(DISTINCT id) AS n, MAX(expires_ms) AS reached FROM expired`,
      params: [untilMs, limit, fromMs],
    };
    return expiredStep(Number(row!.n), row!.reached);
  }
  const rows = yield { sql: expired, params: [untilMs, limit, fromMs] };
  yield* releaseAmountsAtOnce(rows);
  return expiredStep(
    new Set(rows.map((r) => r.id)).size,
    rows.length ? Math.max(...rows.map((r) => Number(r.expires_ms))) : null,
  );
}

const expiredStep = (calls: number, reached: unknown): ExpiredStep =>
  reached === null || reached === undefined ? { calls } : { calls, reachedMs: Number(reached) };

/** The team of the call a reservation still in the ledger was made for. */
export function* reservationTeam(id: string): Script<string | undefined> {
  const [row] = yield { sql: 'SELECT team FROM reservations WHERE id = $1 LIMIT 1', params: [id] };
  return row ? String(row.team) : undefined;
}

/** Calls holding a reservation (however many budgets each is held against). */
export function* reservationCount(): Script<number> {
  const [row] = yield { sql: 'SELECT COUNT(DISTINCT id) AS n FROM reservations', params: [] };
  return Number(row!.n);
}

/**
 * Adds to a live reservation what every budget it is held against can take: the reservation's rows are locked first,
 * then the budgets' in key order (the order every writer takes them in), the counters rolled and the amount admitted
 * as a new reservation would be — by all of them, or by none.
 */
export function* extendReservation(
  r: ExtensionRequest,
): Script<{ team: string; outcome?: ReserveOutcome } | undefined> {
  const held = yield {
    sql: 'SELECT budget_key, team FROM reservations WHERE id = $1 ORDER BY budget_key',
    params: [r.id],
    lock: true,
  };
  if (!held.length) return undefined;
  const team = String(held[0]!.team);
  const budgets = [];
  for (const h of held) {
    const counters = yield* rollCounters(String(h.budget_key), r.nowMs);
    if (counters) budgets.push(counters);
  }
  if (!budgets.length) return { team };
  const admitted = budgets.every((c) => admits(c.spec, c.spentNano, c.reservedNano, r.amountNano));
  if (admitted) {
    for (const c of budgets)
      yield {
        sql: 'UPDATE budgets SET reserved_nano = reserved_nano + $2 WHERE scope_key = $1',
        params: [c.key, r.amountNano],
      };
    yield {
      sql: `UPDATE reservations SET amount_nano = amount_nano + $2,
        expires_ms = CASE WHEN expires_ms < $3 THEN $3 ELSE expires_ms END WHERE id = $1`,
      params: [r.id, r.amountNano, r.expiresMs],
    };
  }
  return { team, outcome: { admitted, budgets } };
}
