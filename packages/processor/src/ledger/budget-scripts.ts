// Budgets and their counters, written once for both ledgers: definitions, counters rolled to the period in force (read
// without a lock, or locked for a write), recounts from the raw rows, templates' counters made with their first
// spend. (The spend an ingest adds: spend-scripts.ts.)
import {
  counterBounds,
  planRoll,
  rolledSpent,
  type CounterBounds,
  type CounterRow,
} from '../budget/budget-counters.js';
import { limitNano } from '../budget/budget-limit.js';
import {
  isTemplate,
  isTemplateKey,
  parseScopeKey,
  SCOPE_DIMENSIONS,
  type CoveringBudget,
  type ScopeDefinition,
} from '../budget/budget-scope.js';
import { BudgetSpecSchema, specKey, specScope, type BudgetSpec } from '../budget/budget-spec.js';
import type { BudgetCounters, RecountResult } from '../budget/budget-store.js';
import { dropLeases, leaseRoom } from './lease-scripts.js';
import { big, type Row, type Script } from './script.js';

export const COLUMNS = 'template_key, spec, period_start, period_end, window_ms, spent_nano, reserved_nano';

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

export function counterRow(r: Row): CounterRow {
  return {
    periodStartMs: Number(r.period_start),
    periodEndMs: Number(r.period_end),
    windowMs: Number(r.window_ms),
    spentNano: big(r.spent_nano),
    reservedNano: big(r.reserved_nano),
  };
}

export function* setCounters(key: string, b: CounterBounds, spent: bigint, reserved: bigint): Script<void> {
  yield {
    sql: `UPDATE budgets SET period_start = $2, period_end = $3, window_ms = $4, spent_nano = $5, reserved_nano = $6 WHERE scope_key = $1`,
    params: [key, b.periodStartMs, b.periodEndMs, b.windowMs, spent, reserved],
  };
}

/** The spend in `[fromMs, toMs)` of the events a budget's scope covers (its key: `org`, `team=…&model=…`). */
export function* sumSpend(key: string, fromMs: number, toMs: number): Script<bigint> {
  const scope = parseScopeKey(key) ?? {};
  const dims = SCOPE_DIMENSIONS.filter((d) => scope[d] !== undefined);
  const rows = yield {
    sql: `SELECT COALESCE(SUM(cost_nano), 0) AS n FROM cost_events WHERE event_time >= $1 AND event_time < $2${dims
      .map((d, i) => ` AND ${d} = $${i + 3}`)
      .join('')}`,
    params: [fromMs, toMs, ...dims.map((d) => scope[d])],
  };
  return big(rows[0]!.n);
}

/** A row's counters rolled to `bounds`: its spend summed from the raw rows when the period moved on. */
function* rolled(key: string, row: CounterRow, bounds: CounterBounds): Script<bigint> {
  const plan = planRoll(row, bounds);
  return plan.kind === 'keep'
    ? row.spentNano
    : rolledSpent(row, plan, yield* sumSpend(key, plan.fromMs, plan.toMs));
}

/** Locks a budget's row and rolls its counters to the period containing `nowMs`. */
export function* rollCounters(key: string, nowMs: number): Script<BudgetCounters | undefined> {
  const rows = yield {
    sql: `SELECT ${COLUMNS} FROM budgets WHERE scope_key = $1`,
    params: [key],
    lock: true,
  };
  if (!rows[0]) return undefined;
  const spec = specOf(String(rows[0].spec));
  const row = counterRow(rows[0]);
  const bounds = counterBounds(spec, nowMs);
  const spentNano = yield* rolled(key, row, bounds);
  if (planRoll(row, bounds).kind !== 'keep') yield* setCounters(key, bounds, spentNano, row.reservedNano);
  return {
    key,
    templateKey: String(rows[0].template_key),
    spec,
    period: bounds.period,
    spentNano,
    reservedNano: row.reservedNano,
  };
}

/** Which counters a read takes: one budget, every budget defined (templates without counters), or a template's. */
export type CounterSelection =
  { key: string } | 'definitions' | { template: string; limit: number; nowMs: number };

/** COLUMNS as a read shows them: reserved by calls, not the room processors' leases hold (lease-scripts.ts). */
const SHOWN_COLUMNS = COLUMNS.replace(
  'reserved_nano',
  `reserved_nano - ${leaseRoom('budgets.scope_key')} AS reserved_nano`,
);

function selection(which: CounterSelection): { sql: string; params: unknown[] } {
  const select = `SELECT scope_key, ${SHOWN_COLUMNS} FROM budgets`;
  if (which === 'definitions')
    return { sql: `${select} WHERE template_key = '' ORDER BY scope_key`, params: [] };
  if ('key' in which) return { sql: `${select} WHERE scope_key = $1`, params: [which.key] };
  // A template's counters nearest their limit first (the limit is the template's, the same for each): those counting
  // the current period (ingest and admission keep them there) before those left at an earlier one.
  return {
    sql: `${select} WHERE template_key = $1
      ORDER BY CASE WHEN period_end > $3 THEN spent_nano + reserved_nano ELSE reserved_nano END DESC, scope_key LIMIT $2`,
    params: [which.template, which.limit, which.nowMs],
  };
}

/**
 * Budgets' counters as of `nowMs`, read without writing (no lock): a counter whose period has rolled is summed from
 * the raw rows for the period in force, as the next admission will roll it. A template has no counters of its own.
 */
export function* readCounters(nowMs: number, which: CounterSelection): Script<BudgetCounters[]> {
  const rows = yield selection(which);
  const out: BudgetCounters[] = [];
  for (const r of rows) {
    const key = String(r.scope_key);
    const spec = specOf(String(r.spec));
    const row = counterRow(r);
    const bounds = counterBounds(spec, nowMs);
    const template = isTemplateKey(key);
    const spentNano = template ? 0n : yield* rolled(key, row, bounds);
    out.push({
      key,
      templateKey: String(r.template_key),
      spec,
      period: bounds.period,
      spentNano,
      reservedNano: template ? 0n : row.reservedNano,
    });
  }
  return out;
}

/** How many counters a template has made (one per value that spent or reserved). */
export function* templateCounterCount(key: string): Script<number> {
  const [row] = yield { sql: 'SELECT COUNT(*) AS n FROM budgets WHERE template_key = $1', params: [key] };
  return Number(row!.n);
}

/** Counts a budget's current period and reservations from the raw rows. */
function* recountKey(key: string, nowMs: number): Script<RecountResult | undefined> {
  const rows = yield {
    sql: `SELECT ${COLUMNS} FROM budgets WHERE scope_key = $1`,
    params: [key],
    lock: true,
  };
  if (!rows[0]) return undefined;
  const before = counterRow(rows[0]);
  const bounds = counterBounds(specOf(String(rows[0].spec)), nowMs);
  const spentNano = yield* sumSpend(key, bounds.periodStartMs, bounds.periodEndMs);
  const reserved = yield {
    sql: 'SELECT COALESCE(SUM(amount_nano), 0) AS n FROM reservations WHERE budget_key = $1',
    params: [key],
  };
  const reservedNano = big(reserved[0]!.n);
  yield* setCounters(key, bounds, spentNano, reservedNano);
  return {
    key,
    before: { spentNano: before.spentNano, reservedNano: before.reservedNano },
    after: { spentNano, reservedNano },
  };
}

/**
 * Stores a budget under its scope's key and counts its current period from the raw rows. A budget for a scope a
 * template had a counter for takes that row over; a changed template has each of its counters counted again.
 */
export function* putBudget(spec: BudgetSpec, nowMs: number, managedBy: string): Script<void> {
  const key = specKey(spec);
  // $1 key, $2 spec, $3 updated, $4 limit, $5 hard, $6 managed by: the budget's row, and its template counters'.
  const params = [
    key,
    JSON.stringify(spec),
    nowMs,
    limitNano(spec),
    spec.enforcement === 'hard' ? 1 : 0,
    managedBy,
  ];
  yield {
    sql: `INSERT INTO budgets (scope_key, template_key, spec, updated_ms, limit_nano, hard, managed_by)
      VALUES ($1, '', $2, $3, $4, $5, $6)
      ON CONFLICT (scope_key) DO UPDATE SET template_key = '', spec = excluded.spec, updated_ms = excluded.updated_ms,
        limit_nano = excluded.limit_nano, hard = excluded.hard, managed_by = excluded.managed_by`,
    params,
  };
  if (!isTemplate(specScope(spec))) {
    // Leases were granted under the old limit: they go (the recount then counts the calls' reservations alone).
    yield* dropLeases(key);
    yield* recountKey(key, nowMs);
    return;
  }
  // Bounds of 0 make the next look at each counter sum its period from the raw rows (its reservations stay).
  yield {
    sql: `UPDATE budgets SET spec = $2, updated_ms = $3, limit_nano = $4, hard = $5, managed_by = $6,
        period_start = 0, period_end = 0, window_ms = 0
      WHERE template_key = $1`,
    params,
  };
}

/** Rebuilds the counters of one budget, or of every budget and template counter, from the raw rows. */
export function* recount(nowMs: number, key?: string): Script<RecountResult[]> {
  const keys = key
    ? [key]
    : (yield { sql: 'SELECT scope_key FROM budgets ORDER BY scope_key', params: [] })
        .map((r) => String(r.scope_key))
        .filter((k) => !isTemplateKey(k));
  const results: RecountResult[] = [];
  for (const k of keys) {
    const result = yield* recountKey(k, nowMs);
    if (result) results.push(result);
  }
  return results;
}

/** Every budget defined, as scopes: what decides which counters a call or an event has. */
export function* scopeDefinitions(): Script<ScopeDefinition[]> {
  const rows = yield {
    sql: `SELECT scope_key FROM budgets WHERE template_key = '' ORDER BY scope_key`,
    params: [],
  };
  return rows.flatMap((r) => {
    const scope = parseScopeKey(String(r.scope_key));
    return scope ? [{ key: String(r.scope_key), scope }] : [];
  });
}

/**
 * Makes the counters of templates that `covering` names and that do not exist yet, as copies of their template with
 * bounds of 0: the first look at each (under its lock) sums its period from the raw rows.
 */
export function* makeTemplateCounters(covering: readonly CoveringBudget[], nowMs: number): Script<void> {
  for (const c of covering) {
    if (!c.templateKey) continue;
    yield {
      sql: `INSERT INTO budgets (scope_key, template_key, spec, updated_ms, limit_nano, hard, managed_by,
          period_start, period_end, window_ms, spent_nano, reserved_nano)
        SELECT $1, scope_key, spec, $3, limit_nano, hard, managed_by, 0, 0, 0, 0, 0 FROM budgets
          WHERE scope_key = $2 AND template_key = ''
        ON CONFLICT (scope_key) DO NOTHING`,
      params: [c.key, c.templateKey, nowMs],
    };
  }
}

export function* getBudget(key: string): Script<BudgetSpec | undefined> {
  const [row] = yield {
    sql: `SELECT spec FROM budgets WHERE scope_key = $1 AND template_key = ''`,
    params: [key],
  };
  return row ? specOf(String(row.spec)) : undefined;
}

/** Every budget defined (templates included, their counters not), in key order. */
export function* listBudgets(): Script<BudgetSpec[]> {
  const rows = yield {
    sql: `SELECT spec FROM budgets WHERE template_key = '' ORDER BY scope_key`,
    params: [],
  };
  return rows.map((r) => specOf(String(r.spec)));
}

/** Deletes a budget (a template with its counters); false when there is none by that key. */
export function* deleteBudget(key: string): Script<boolean> {
  const rows = yield {
    sql: `DELETE FROM budgets WHERE (scope_key = $1 AND template_key = '') OR template_key = $1 RETURNING template_key`,
    params: [key],
  };
  // Its leases (lease-scripts.ts) go with it: room held in a budget that is no more.
  yield* dropLeases(key);
  return rows.some((r) => r.template_key === '');
}

/** Who manages each budget (a budgets file, or '' for the API), by key. */
export function* budgetManagers(): Script<Map<string, string>> {
  const rows = yield { sql: `SELECT scope_key, managed_by FROM budgets WHERE template_key = ''`, params: [] };
  return new Map(rows.map((r) => [String(r.scope_key), String(r.managed_by)]));
}
