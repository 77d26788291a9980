// PostgreSQL admission of many calls in one statement: the calls a processor receives while its previous statement
// runs are admitted together, so the rows every call locks (the organisation's) are locked once per batch instead of
// once per call, and two processors no longer queue call by call on them.
import { admits, byKey } from '../budget/budget-counters.js';
import type { ReservationRequest, ReserveOutcome } from '../budget/budget-store.js';
import { COLUMNS } from './budget-scripts.js';
import { NO_LEASES, type BatchLeases } from './lease-scripts.js';
import { LOCKED_LOOK } from './locked-look.js';
import { budgetsAsRead, countsNow, outcomeOf, reserveAllAtOnce } from './multi-budget-scripts.js';
import type { Query, Row, Script } from './script.js';

/**
 * The calls in order: a call is admitted when every budget covering it has a row counting the current calendar
 * period and room for it and for every call before it in the batch on that budget (admitted or not — a prefix sum,
 * so the statement needs no loop). A budget the processor holds a lease on (lease-scripts.ts) is checked against
 * the lease's amount instead: its row is read, not locked. The budgets' rows are locked in key order, then the leases,
 * each updated once, the reservations inserted, and each call's rows come back with the reserved counter as the calls
 * admitted before it left it, leases not counted, and whether the call's own check on each passed.
 */
const BATCH_SQL = `WITH req AS (
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
      WITH ORDINALITY AS r(id, amount, team, model, now_ms, expires_ms, ord)),
  pairs AS (SELECT * FROM unnest($7::bigint[], $8::text[], $10::text[]) AS p(ord, key, lease)),
  locked AS (
    SELECT scope_key, ${COLUMNS}, limit_nano, hard FROM budgets
    WHERE scope_key = ANY($9::text[]) ORDER BY scope_key FOR UPDATE),
  leases AS (
    SELECT id, amount_nano, expires_ms FROM reservations
    WHERE id = ANY($11::text[]) AND status = 'lease' AND (SELECT COUNT(*) FROM locked) >= 0 ORDER BY id FOR UPDATE),
  seen AS (
    SELECT scope_key, ${COLUMNS}, limit_nano, hard FROM budgets WHERE scope_key = ANY($12::text[])),
  rows AS (SELECT * FROM locked UNION ALL SELECT * FROM seen),
  leased AS (
    SELECT budget_key, SUM(amount_nano) AS amount FROM reservations
    WHERE status = 'lease' AND budget_key = ANY($13::text[]) GROUP BY budget_key),
  running AS (
    SELECT p.ord, p.key, p.lease, req.amount, SUM(req.amount) OVER (PARTITION BY p.key ORDER BY p.ord) AS upto
    FROM pairs p JOIN req ON req.ord = p.ord),
  checked AS (
    SELECT running.ord, running.key, COALESCE(l.window_ms = 0
        AND l.period_start <= req.now_ms AND l.period_end > req.now_ms AND CASE WHEN running.lease = ''
          THEN l.hard = 0 OR l.spent_nano + l.reserved_nano + running.upto <= l.limit_nano
          ELSE ls.expires_ms > req.now_ms AND ls.amount_nano >= running.upto END, false) AS ok
    FROM running JOIN req ON req.ord = running.ord LEFT JOIN rows l ON l.scope_key = running.key
      LEFT JOIN leases ls ON ls.id = running.lease),
  decided AS (
    SELECT req.ord, bool_and(checked.ok) AS admit
    FROM req JOIN checked ON checked.ord = req.ord GROUP BY req.ord),
  earlier AS (
    SELECT running.ord, running.key, running.lease, COALESCE(SUM(CASE WHEN decided.admit THEN running.amount ELSE 0 END)
        OVER (PARTITION BY running.key ORDER BY running.ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS held
    FROM running JOIN decided ON decided.ord = running.ord),
  totals AS (
    SELECT running.key, running.lease, SUM(running.amount) AS amount FROM running JOIN decided ON decided.ord = running.ord
    WHERE decided.admit GROUP BY running.key, running.lease),
  updated AS (
    UPDATE budgets b SET reserved_nano = b.reserved_nano + totals.amount FROM totals
    WHERE totals.lease = '' AND b.scope_key = totals.key RETURNING 1),
  drawn AS (
    UPDATE reservations r SET amount_nano = r.amount_nano - totals.amount FROM totals
    WHERE totals.lease <> '' AND r.id = totals.lease AND r.budget_key = totals.key RETURNING 1),
  inserted AS (
    INSERT INTO reservations (id, budget_key, team, amount_nano, created_ms, expires_ms, status, model)
    SELECT req.id, running.key, req.team, req.amount, req.now_ms, req.expires_ms, 'active', req.model
    FROM running JOIN req ON req.ord = running.ord JOIN decided ON decided.ord = req.ord WHERE decided.admit)
  SELECT earlier.ord, decided.admit AS admitted, checked.ok, earlier.lease, l.scope_key, l.template_key, l.spec,
    l.period_start, l.period_end, l.window_ms, l.spent_nano,
    l.reserved_nano - COALESCE(leased.amount, 0) + earlier.held AS reserved_nano
  FROM earlier JOIN decided ON decided.ord = earlier.ord JOIN rows l ON l.scope_key = earlier.key
    JOIN checked ON checked.ord = earlier.ord AND checked.key = earlier.key
    LEFT JOIN leased ON leased.budget_key = earlier.key
  ORDER BY earlier.ord, l.scope_key`;

function batchQuery(requests: readonly ReservationRequest[], leases: BatchLeases): Query {
  const keys = requests.map((r) => r.budgets.map((b) => b.key));
  const pairOrd = keys.flatMap((k, i) => k.map(() => i + 1));
  const leaseIds = requests.flatMap((r) => r.budgets.map((b) => leases.leaseFor(b.key)));
  const flat = keys.flat();
  const lockedKeys = new Set(flat.filter((_, i) => !leaseIds[i]));
  const seenKeys = new Set(flat.filter((k, i) => leaseIds[i] && !lockedKeys.has(k)));
  return {
    sql: BATCH_SQL,
    params: [
      requests.map((r) => r.id),
      requests.map((r) => r.amountNano.toString()),
      requests.map((r) => r.team),
      requests.map((r) => r.model ?? ''),
      requests.map((r) => r.nowMs),
      requests.map((r) => r.expiresMs),
      pairOrd,
      flat,
      [...lockedKeys].sort(byKey),
      leaseIds,
      [...new Set(leaseIds.filter(Boolean))].sort(byKey),
      [...seenKeys].sort(byKey),
      [...new Set(flat)].sort(byKey),
    ],
  };
}

/**
 * Admits `requests` in one statement (PostgreSQL, run without BEGIN … COMMIT). Each answer is the call's outcome as
 * if the calls had come one after another in batch order — its counters as the calls admitted before it left them —
 * or LOCKED_LOOK where the batch cannot decide alone: a budget row missing (a template's counter not made yet), a
 * period to roll, a rolling window, a lease too small, or a call refused only because a call before it in the batch
 * was not admitted (the prefix sum counted it) or a lease holds the room it needs; the caller then admits that call by
 * itself.
 */
export function* reserveBatch(
  requests: readonly ReservationRequest[],
  leases: BatchLeases = NO_LEASES,
): Script<(ReserveOutcome | typeof LOCKED_LOOK)[]> {
  // A batch of one (most, below saturation) by the plainer statement: the batch's prefix sums cost 2.5× its time.
  if (requests.length === 1) return [yield* reserveAllAtOnce(requests[0]!, 'postgres', leases)];
  const rows = yield batchQuery(requests, leases);
  const byOrd = new Map<number, Row[]>();
  for (const row of rows) {
    const ord = Number(row.ord);
    const of = byOrd.get(ord);
    if (of) of.push(row);
    else byOrd.set(ord, [row]);
  }
  return requests.map((r, i) => {
    const of = byOrd.get(i + 1) ?? [];
    for (const row of of) {
      if (!row.lease) continue;
      if (row.admitted === true) leases.drew(String(row.scope_key), r.amountNano);
      else if (row.ok !== true) leases.short(String(row.scope_key));
    }
    return batchOutcome(r, of);
  });
}

function batchOutcome(r: ReservationRequest, rows: readonly Row[]): ReserveOutcome | typeof LOCKED_LOOK {
  if (rows.length !== r.budgets.length) return LOCKED_LOOK;
  const budgets = budgetsAsRead(rows, r.nowMs);
  const admitted = rows[0]!.admitted === true;
  if (admitted) return outcomeOf(true, budgets);
  // Blocked exactly when a budget, as the calls admitted before this one left it and without the room leases hold,
  // cannot take it; a lease that could not take it says nothing of the budget.
  const fits = () => budgets.every((b) => admits(b.spec, b.row.spentNano, b.row.reservedNano, r.amountNano));
  if (rows.some((row) => row.lease && row.ok !== true) || !budgets.every(countsNow) || fits())
    return LOCKED_LOOK;
  return outcomeOf(false, budgets);
}
