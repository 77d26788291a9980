// A budget's policy applied to one call before anything is reserved: which models, how dear a call, how long an
// answer. Pure; money in nano-USD. A policy holds whatever the budget's enforcement: it is a rule, not a limit.
import picomatch from 'picomatch';
import { usdToNanoUsd } from '@genops/pricing';
import { nanoToUsd } from '../decode/cost-event.js';
import type { BudgetPolicy } from './budget-spec.js';

export type PolicyReasonCode = 'MODEL_NOT_ALLOWED' | 'CALL_TOO_EXPENSIVE';

export interface PolicyRefusal {
  reasonCode: PolicyReasonCode;
  reason: string;
}

/** One call as a budget's policy sees it: the model as sent and as the price catalog names it, and its estimate. */
export interface PolicyCall {
  /** The budget whose policy it is, in words (`team search`, `customer acme`). */
  budget: string;
  model: string;
  /** The catalog's id for the model, when it differs from the name sent. */
  catalogModel?: string;
  estimateNano: bigint;
}

// `*` crosses `/` (bash globstar semantics): `*` alone is every model, `*/gpt-4o*` every vendor's GPT-4o.
const matchers = new Map<string, (name: string) => boolean>();
function matches(globs: readonly string[], names: readonly string[]): string | undefined {
  for (const glob of globs) {
    let match = matchers.get(glob);
    if (!match) matchers.set(glob, (match = picomatch(glob, { bash: true, nocase: true })));
    if (names.some((name) => match(name))) return glob;
  }
  return undefined;
}

/**
 * What BudgetGuard caps a call's output by when several budgets with policies cover it: the smallest maximum of
 * each kind (the models were checked against each policy already).
 */
export function tightestPolicy(policies: readonly BudgetPolicy[]): BudgetPolicy | undefined {
  if (policies.length <= 1) return policies[0];
  const min = (values: (number | undefined)[]) => {
    const set = values.filter((v): v is number => v !== undefined);
    return set.length ? Math.min(...set) : undefined;
  };
  const maxCallCostUsd = min(policies.map((p) => p.maxCallCostUsd));
  const maxOutputTokens = min(policies.map((p) => p.maxOutputTokens));
  return {
    ...(maxCallCostUsd !== undefined ? { maxCallCostUsd } : {}),
    ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
  };
}

/** Why `call` breaks `policy`, or undefined when it keeps to it. */
export function refusal(policy: BudgetPolicy | undefined, call: PolicyCall): PolicyRefusal | undefined {
  if (!policy) return undefined;
  const names =
    call.catalogModel && call.catalogModel !== call.model ? [call.model, call.catalogModel] : [call.model];
  const named = names.length > 1 ? `${call.model} (${call.catalogModel})` : call.model;
  const denied = policy.deniedModels && matches(policy.deniedModels, names);
  if (denied)
    return {
      reasonCode: 'MODEL_NOT_ALLOWED',
      reason: `${call.budget}'s policy denies model ${named} (deniedModels: ${denied})`,
    };
  if (policy.allowedModels && !matches(policy.allowedModels, names))
    return {
      reasonCode: 'MODEL_NOT_ALLOWED',
      reason: `${call.budget}'s policy allows only ${policy.allowedModels.join(', ')}: not model ${named}`,
    };
  if (policy.maxCallCostUsd !== undefined && call.estimateNano > usdToNanoUsd(policy.maxCallCostUsd))
    return {
      reasonCode: 'CALL_TOO_EXPENSIVE',
      reason: `${call.budget}'s policy allows a call up to ${policy.maxCallCostUsd} USD: this one is estimated at ${nanoToUsd(call.estimateNano)} USD (cap its output to fit)`,
    };
  return undefined;
}
