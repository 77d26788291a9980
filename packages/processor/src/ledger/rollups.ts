// The rollups' rows, the same for both ledgers: each fresh event's figures summed per 15-second step and rollup key,
// then added up into the hourly and daily rollups and the hour tree (hour-tree.ts), in a fixed key order so
// concurrent writers lock rollup rows in one order and never deadlock.
import { unpricedOf, type CostEvent } from '../decode/cost-event.js';
import { addFigures, noFigures, type Figures } from './cost-ledger.js';
import { ROLLUP_KEYS, rollupKeyOf } from './event-columns.js';
import { nodesAbove, STEP_MS, STEPS } from './hour-tree.js';

/** The rollup's figures in column order, each with its value in a sum. */
const ROLLUP_FIGURES: readonly [string, (s: RollupSum) => bigint | number][] = [
  ['cost_nano', (s) => s.costNano],
  ['upstream_nano', (s) => s.upstreamNano],
  ['requests', (s) => s.requests],
  ['errors', (s) => s.errors],
  ['input_tokens', (s) => s.inputTokens],
  ['output_tokens', (s) => s.outputTokens],
  ['unpriced_requests', (s) => s.unpricedRequests],
  ['unpriced_tokens', (s) => s.unpricedTokens],
];

/** The hourly rollup's columns, in the order `rollupRow` gives their values. */
export const ROLLUP_COLUMNS: readonly string[] = ['hour', ...ROLLUP_KEYS, ...ROLLUP_FIGURES.map(([c]) => c)];
/** The daily rollup's: the same with `day` (UTC days since the epoch) for `hour`. */
export const DAILY_ROLLUP_COLUMNS: readonly string[] = ['day', ...ROLLUP_COLUMNS.slice(1)];
/** The hour tree's: the hour, then its node, then as the hourly rollup. */
export const TREE_COLUMNS: readonly string[] = ['hour', 'node', ...ROLLUP_COLUMNS.slice(1)];

/** A sum as a rollup row: its key, then its figures (ROLLUP_COLUMNS order for an hourly sum). */
export const rollupRow = (s: RollupSum): (string | number | bigint)[] => [
  ...s.key,
  ...ROLLUP_FIGURES.map(([, value]) => value(s)),
];

/** What the upsert of a rollup row does when its key is there: add each figure (the same in both dialects). */
const onConflict = (table: string, time: string) =>
  `ON CONFLICT (${time}, ${ROLLUP_KEYS.join(', ')}) DO UPDATE SET ${ROLLUP_FIGURES.map(
    ([c]) => `${c} = ${table}.${c} + excluded.${c}`,
  ).join(', ')}`;
export const ROLLUP_ON_CONFLICT = onConflict('cost_rollup_hourly', 'hour');
export const DAILY_ROLLUP_ON_CONFLICT = onConflict('cost_rollup_daily', 'day');
export const TREE_ON_CONFLICT = onConflict('cost_rollup_hour_tree', 'hour, node');

/** One rollup row's increments. */
export interface RollupSum extends Figures {
  key: (string | number)[];
}

/** Sums fresh events per 15-second step (since the epoch) and rollup key. */
export function stepSums(events: readonly CostEvent[]): RollupSum[] {
  const sums = new Map<string, RollupSum>();
  for (const e of events) {
    const key = [Math.floor(e.eventTimeMs / STEP_MS), ...rollupKeyOf(e)];
    const id = JSON.stringify(key);
    let s = sums.get(id);
    if (!s) {
      s = { key, ...noFigures() };
      sums.set(id, s);
    }
    s.costNano += e.costNano;
    s.upstreamNano += e.upstreamNano;
    s.requests += e.adjustment ? 0 : 1;
    s.errors += e.isError ? 1 : 0;
    s.inputTokens += e.inputTokens;
    s.outputTokens += e.outputTokens;
    const unpriced = unpricedOf(e);
    s.unpricedRequests += unpriced.requests;
    s.unpricedTokens += unpriced.tokens;
  }
  return [...sums.values()];
}

/** Sums added up under the keys `keysOf` gives each one's key, sorted by key. */
function regroup(
  sums: readonly RollupSum[],
  keysOf: (key: RollupSum['key']) => RollupSum['key'][],
): RollupSum[] {
  const into = new Map<string, RollupSum>();
  for (const from of sums)
    for (const key of keysOf(from.key)) {
      const id = JSON.stringify(key);
      const s = into.get(id);
      if (s) addFigures(s, from);
      else into.set(id, { ...from, key });
    }
  return [...into.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
}

/** Step sums added up per UTC hour (the hourly rollup's increments). */
export const hourlySums = (steps: readonly RollupSum[]) =>
  regroup(steps, ([step, ...dims]) => [[Math.floor(Number(step) / STEPS), ...dims]]);

/** Hourly sums added up per UTC day (the daily rollup's increments). */
export const dailySums = (hourly: readonly RollupSum[]) =>
  regroup(hourly, ([hour, ...dims]) => [[Math.floor(Number(hour) / 24), ...dims]]);

/** Step sums added into the hour tree's nodes above each step (the tree's increments, keyed hour, node, dims). */
export const treeSums = (steps: readonly RollupSum[]) =>
  regroup(steps, ([step, ...dims]) =>
    nodesAbove(Number(step) % STEPS).map((node) => [Math.floor(Number(step) / STEPS), node, ...dims]),
  );
