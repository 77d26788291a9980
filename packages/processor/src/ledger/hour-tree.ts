// The hour tree: each hour's spend per rollup key in 15-second steps, kept as a Fenwick (binary indexed) tree, so
// the events of [an hour's start, t) — a report's partial hour at either edge — are at most 7 of its nodes plus the
// raw events of under 15 s, however many events the ledger holds. Node i (1…240) sums steps [i − lowbit(i), i): an
// event in step s adds to the nodes s + 1, then + lowbit each time up to 240; the first n steps are nodes n,
// n − lowbit(n), … down to 0. Pure.
import { HOUR_MS } from '../report/time-buckets.js';

export const STEP_MS = 15_000;
export const STEPS = HOUR_MS / STEP_MS;

const lowbit = (i: number) => i & -i;

/** The nodes an event in step `step` (0…239) of its hour adds to. */
export function nodesAbove(step: number): number[] {
  const nodes: number[] = [];
  for (let i = step + 1; i <= STEPS; i += lowbit(i)) nodes.push(i);
  return nodes;
}

/** The nodes that together hold the first `steps` steps of an hour (none for 0). */
export function prefixNodes(steps: number): number[] {
  const nodes: number[] = [];
  for (let i = steps; i > 0; i -= lowbit(i)) nodes.push(i);
  return nodes;
}
