// A budget: what it covers (its scope), its period, limit, thresholds, enforcement and policy. The schema is the type;
// every failure names the field. Pure zod (the console imports it).
import { z } from 'zod';
import { EACH, SCOPE_DIMENSIONS, scopeKey, scopeOf, type Scope } from './budget-scope.js';

/**
 * What a budget's calls may be, whatever is left of it: the models they may use (globs over the model id, as the
 * client sent it or as the price catalog names it: `openai/*`, `anthropic/claude-*`; `*` crosses `/`), the models
 * they may not (a denial wins), the most one call may be estimated at, and the most output tokens it may ask for.
 */
export const BudgetPolicy = z
  .object({
    allowedModels: z.array(z.string().min(1).max(200)).min(1).max(100).optional(),
    deniedModels: z.array(z.string().min(1).max(200)).min(1).max(100).optional(),
    maxCallCostUsd: z.number().positive().max(1e6).optional(),
    maxOutputTokens: z.number().int().positive().max(10_000_000).optional(),
  })
  .strict();

export type BudgetPolicy = z.infer<typeof BudgetPolicy>;

/** A policy in a few words: `allow openai/*; deny openai/o1*; ≤0.5 USD a call; ≤4096 out` (— for none). */
export function policySummary(policy: BudgetPolicy | undefined): string {
  if (!policy) return '—';
  return [
    policy.allowedModels && `allow ${policy.allowedModels.join(',')}`,
    policy.deniedModels && `deny ${policy.deniedModels.join(',')}`,
    policy.maxCallCostUsd !== undefined && `≤${policy.maxCallCostUsd} USD a call`,
    policy.maxOutputTokens !== undefined && `≤${policy.maxOutputTokens} out`,
  ]
    .filter(Boolean)
    .join('; ');
}

/** A dimension's value in a scope: a name, or `*` for each value (a template). */
const ScopeValue = z
  .string()
  .min(1)
  .max(200)
  .refine((v) => v === EACH || !v.includes(EACH), 'must be a name, or * alone for each one');

/** A budget's fields, as the API's PUT body takes them. */
export const BudgetFields = z.object({
  team: ScopeValue.optional(),
  project: ScopeValue.optional(),
  customer: ScopeValue.optional(),
  feature: ScopeValue.optional(),
  environment: ScopeValue.optional(),
  model: ScopeValue.optional(),
  /** The whole organisation: every call (named, so that a budget missing its team is not one by mistake). */
  org: z.literal(true).optional(),
  period: z.enum(['daily', 'weekly', 'monthly', 'rolling']),
  /** Rolling window length, e.g. "24h", "7d", "90m" (rolling budgets only). */
  window: z
    .string()
    .regex(/^\d+(m|h|d)$/, 'must look like 90m, 24h or 7d')
    .optional(),
  /** IANA time zone in which calendar periods start at midnight. */
  timezone: z
    .string()
    .default('UTC')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Berlin'),
  limitUsd: z.number().positive().max(1e9),
  thresholds: z.array(z.number().gt(0).max(10)).min(1).default([0.8, 0.9, 0.95, 1.0]),
  enforcement: z.enum(['soft', 'hard']).default('soft'),
  policy: BudgetPolicy.optional(),
});

export const BudgetSpecSchema = BudgetFields.strict()
  .refine((b) => b.org === true || SCOPE_DIMENSIONS.some((d) => b[d] !== undefined), {
    message: `a budget covers a ${SCOPE_DIMENSIONS.join(', ')} (any combination), or org: true for the whole organisation`,
    path: ['team'],
  })
  .refine((b) => b.org !== true || SCOPE_DIMENSIONS.every((d) => b[d] === undefined), {
    message: `org: true covers every call: it takes no ${SCOPE_DIMENSIONS.join(', ')}`,
    path: ['org'],
  })
  .refine((b) => b.period !== 'rolling' || b.window !== undefined, {
    message: 'rolling budgets need a window',
    path: ['window'],
  })
  .refine((b) => b.period === 'rolling' || b.window === undefined, {
    message: 'only rolling budgets take a window',
    path: ['window'],
  });

export type BudgetSpec = z.infer<typeof BudgetSpecSchema>;

/** What a budget covers. */
export const specScope = (spec: BudgetSpec): Scope => scopeOf(spec);

/** A budget's identity: its scope's key (`team=search`, `customer=*`, `org`). */
export const specKey = (spec: BudgetSpec): string => scopeKey(scopeOf(spec));

export function windowMs(window: string): number {
  const n = Number(window.slice(0, -1));
  const unit = window.slice(-1);
  return n * (unit === 'm' ? 60_000 : unit === 'h' ? 3_600_000 : 86_400_000);
}
