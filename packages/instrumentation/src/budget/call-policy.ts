// A team's policy as BudgetGuard applies it before a call: the processor names it in its answers (and refuses what
// it denies — a model not allowed, a call estimated above its maximum); the guard remembers it for a second and caps
// the call's output by it: its `maxOutputTokens`, and what its `maxCallCostUsd` pays for.
import type { PriceCatalog } from '@genops/pricing';
import { affordableOutputTokens } from './output-cap.js';

export interface CallPolicy {
  allowedModels?: string[];
  deniedModels?: string[];
  maxCallCostUsd?: number;
  maxOutputTokens?: number;
}

/** The output cap a policy sets for a call of `model` with `promptTokens` in; undefined when it sets none. */
export function policyCap(
  policy: CallPolicy | undefined,
  catalog: PriceCatalog,
  model: string,
  promptTokens: number,
): number | undefined {
  if (!policy) return undefined;
  const byCost =
    policy.maxCallCostUsd === undefined
      ? undefined
      : affordableOutputTokens(catalog, model, promptTokens, policy.maxCallCostUsd);
  const caps = [policy.maxOutputTokens, byCost].filter((n): n is number => n !== undefined);
  return caps.length ? Math.min(...caps) : undefined;
}

/** The policies the processor named lately, per team, for `ttlMs`. */
export class PolicyMemory {
  private readonly known = new Map<string, { policy: CallPolicy | undefined; untilMs: number }>();

  constructor(private readonly ttlMs: number) {}

  get(team: string): CallPolicy | undefined {
    const entry = this.known.get(team);
    return entry && entry.untilMs > Date.now() ? entry.policy : undefined;
  }

  remember(team: string, policy: CallPolicy | undefined): void {
    this.known.set(team, { policy, untilMs: Date.now() + this.ttlMs });
  }
}
