// Reservations, written once for both ledgers: admission against every budget covering a call (a fast path of one
// step for a call with one budget, a slow path that locks each budget's row in key order and decides), release, and
// the expiry of reservations whose call never reported. A reservation has one row per budget that admitted it.
import { admits, byKey, counterBounds, planRoll } from '../budget/budget-counters.js';
import type {
  BudgetCounters,
  ExtensionRequest,
  ReservationRequest,
  ReserveOutcome,
} from '../budget/budget-store.js';
import { COLUMNS, counterRow, makeTemplateCounters, rollCounters, specOf } from './budget-scripts.js';
import { big, type Dialect, type Row, type Script } from './script.js';
import { leaseRoom, revokeLeases } from './lease-scripts.js';
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
      SELECT false, template_key, spec, period_start, period_end, window_ms, spent_nano,
        reserved_nano - ${leaseRoom('$2')}
      FROM budgets WHERE scope_key = $2 AND NOT EXISTS (SELECT 1 FROM admitted)`,
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
 * a moment earlier), when the row counts the current calendar period and the call would not fit even with the room
 * leases hold given back (the read leaves them out); undefined when a locked look is needed.
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
  const { admitted, counted } = yield* admitWithLeasesBack(budgets, r.amountNano);
  if (admitted)
    for (const c of counted) {
      yield {
        sql: 'UPDATE budgets SET reserved_nano = reserved_nano + $2 WHERE scope_key = $1',
        params: [c.key, r.amountNano],
      };
      yield { sql: INSERT_RESERVATION_SQL, params: insertReservationParams(r, c.key) };
    }
  return { admitted, budgets: counted };
}

/**
 * Whether every budget (its row locked) admits `amountNano`; when one does not, the leases on them are revoked first
 * (lease-scripts.ts) and the counters as they left them decide: a call is refused only when it would not fit with
 * every lease's room given back.
 */
function* admitWithLeasesBack(
  budgets: BudgetCounters[],
  amountNano: bigint,
): Script<{ admitted: boolean; counted: BudgetCounters[] }> {
  const fit = (all: BudgetCounters[]) =>
    all.every((c) => admits(c.spec, c.spentNano, c.reservedNano, amountNano));
  if (fit(budgets)) return { admitted: true, counted: budgets };
  const back = yield* revokeLeases(budgets.map((c) => c.key));
  if (!back.size) return { admitted: false, counted: budgets };
  const counted = budgets.map((c) => ({ ...c, reservedNano: c.reservedNano - (back.get(c.key) ?? 0n) }));
  return { admitted: fit(counted), counted };
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
export function amountsByBudget(released: Row[]): [string, bigint][] {
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

export function* release(id: string): Script<boolean> {
  const rows = yield {
    sql: 'DELETE FROM reservations WHERE id = $1 RETURNING budget_key, amount_nano',
    params: [id],
  };
  yield* releaseAmounts(rows);
  return rows.length > 0;
}

/** The team of the call a reservation still in the ledger was made for. */
export function* reservationTeam(id: string): Script<string | undefined> {
  const [row] = yield { sql: 'SELECT team FROM reservations WHERE id = $1 LIMIT 1', params: [id] };
  return row ? String(row.team) : undefined;
}

/** Calls holding a reservation (however many budgets each is held against; leases are not calls). */
export function* reservationCount(): Script<number> {
  const [row] = yield {
    sql: "SELECT COUNT(DISTINCT id) AS n FROM reservations WHERE status = 'active'",
    params: [],
  };
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
  const { admitted, counted } = yield* admitWithLeasesBack(budgets, r.amountNano);
  if (admitted) {
    for (const c of counted)
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
  return { team, outcome: { admitted, budgets: counted } };
}
