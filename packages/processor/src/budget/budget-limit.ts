// A budget's limit as the ledger counts it: integer nano-USD.
import { usdToNanoUsd } from '@genops/pricing';
import type { BudgetSpec } from './budget-spec.js';

/** Limit in integer nano-USD. */
export function limitNano(spec: BudgetSpec): bigint {
  return usdToNanoUsd(spec.limitUsd);
}
