// The decision for a call several budgets cover: each budget's policy first, then the worst of each budget's own
// decision on its counters. Pure; money in nano-USD.
import { refusal, tightestPolicy, type PolicyRefusal } from './budget-policy.js';
import type { CoveringBudget } from './budget-scope.js';
import type { BudgetPolicy, BudgetSpec } from './budget-spec.js';
import type { BudgetCounters } from './budget-store.js';
import { budgetStatus, counterLabel, decide, type Admission, type BudgetStatus } from './decision.js';

/** A counter's status now, with `extraReservedNano` (an admission just made) counted as reserved. */
export function statusOf(c: BudgetCounters, now: number, extraReservedNano = 0n): BudgetStatus {
  return budgetStatus(c.spec, c.period, now, c.spentNano, c.reservedNano + extraReservedNano, c);
}

/** What the policies of the budgets covering a call say of it: the first refusal, and the tightest policy. */
export function coveringPolicy(
  covering: readonly CoveringBudget[],
  specs: ReadonlyMap<string, BudgetSpec>,
  call: { model: string; estimateNano: bigint },
  catalogModelOf: () => string,
): { refused?: PolicyRefusal; policy?: BudgetPolicy } {
  const policies = covering.flatMap((c) => {
    const spec = specs.get(c.templateKey || c.key);
    return spec?.policy ? [{ key: c.key, spec, policy: spec.policy }] : [];
  });
  if (!policies.length) return {};
  const policy = tightestPolicy(policies.map((p) => p.policy));
  // The catalog's id is looked up only for a call a policy covers: admission stays a counter update otherwise.
  const catalogModel = catalogModelOf();
  for (const p of policies) {
    const refused = refusal(p.policy, { budget: counterLabel(p.key, p.spec), ...call, catalogModel });
    if (refused) return { refused, ...(policy ? { policy } : {}) };
  }
  return policy ? { policy } : {};
}

/** How bad a decision is: the worst one decides a call several budgets cover. */
const SEVERITY = { ALLOWED: 0, WARNING: 1, BLOCKED: 2 } as const;

/**
 * The decision for a call its budgets' counters (as before it) took or refused: the worst of each budget's own
 * decision — a block, else a warning past a limit, else one past a threshold, the nearest its limit first — and the
 * budget that made it, with every budget's status after the admission.
 */
export function decideCovering(
  budgets: readonly BudgetCounters[],
  admitted: boolean,
  amountNano: bigint,
  now: number,
): { admission: Admission; decisive: BudgetStatus; all: BudgetStatus[] } {
  const rank = (a: Admission) => SEVERITY[a.decision] * 2 + (a.reasonCode === 'SOFT_LIMIT_EXCEEDED' ? 1 : 0);
  let best = -1;
  let admission: Admission = { decision: 'ALLOWED' };
  let decisive = 0;
  const all = budgets.map((c, i) => {
    const label = counterLabel(c.key, c.spec);
    const decided = decide(c.spec, c.period, c.spentNano, c.reservedNano, amountNano, label);
    const status = statusOf(c, now, admitted ? amountNano : 0n);
    const r = rank(decided) * 10 + Math.min(9, Math.floor(status.utilization * 5));
    if (r > best) [best, admission, decisive] = [r, decided, i];
    return status;
  });
  return { admission, decisive: all[decisive]!, all };
}
