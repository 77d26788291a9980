// The API's bodies and answers as zod schemas: the types the server returns and the client receives.
import { z } from 'zod';
import { BudgetFields, BudgetPolicy } from '../budget/budget-spec.js';
import { DIMENSION_NAMES } from '../decode/cost-event.js';

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

const isoTime = z.string().meta({ format: 'date-time' });
const usd = z.number().meta({ description: 'USD' });

export const ReportFigures = z.object({
  costUsd: usd,
  /** Of costUsd, what model providers billed directly (OpenRouter BYOK); the rest is fees. */
  upstreamCostUsd: usd,
  requests: z.number().int(),
  errors: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  totalTokens: z.number().int(),
  /** Calls recorded without a price (cost 0) and not priced since, and their tokens. */
  unpricedRequests: z.number().int(),
  unpricedTokens: z.number().int(),
});

export const Dimension = z.enum(DIMENSION_NAMES);

export const CostReport = z.object({
  from: isoTime,
  to: isoTime,
  groupBy: z.array(Dimension),
  timezone: z.string(),
  currency: z.literal('USD'),
  totals: ReportFigures,
  groups: z.array(
    ReportFigures.extend({ key: z.record(z.string(), z.string()), costPerMillionTokens: z.number() }),
  ),
});

export const ProviderReport = z.object({
  from: isoTime,
  to: isoTime,
  providers: z.array(
    z.object({
      provider: z.string(),
      model: z.string(),
      requests: z.number().int(),
      errors: z.number().int(),
      errorRate: z.number(),
      fallbacks: z.number().int(),
      latencyMs: z.object({ p50: z.number(), p95: z.number(), p99: z.number() }),
      costUsd: usd,
      costPerMillionTokens: z.number(),
    }),
  ),
});

export const BudgetState = z.enum(['OK', 'WARNING', 'CRITICAL', 'EXCEEDED']);

/** A budget with its counters in the current period. */
export const BudgetStatus = BudgetFields.extend({
  /** The scope's key: the budget's identity (`team=search`, `customer=*`, `org`), or a template's counter's. */
  key: z.string(),
  /** The template a counter belongs to (a template's counter for one value only). */
  template: z.string().optional(),
  timezone: z.string(),
  thresholds: z.array(z.number()),
  enforcement: z.enum(['soft', 'hard']),
  spentUsd: usd,
  reservedUsd: usd,
  utilization: z.number(),
  periodStart: isoTime,
  periodEnd: isoTime,
  resetsInSeconds: z.number().int(),
  forecastUsd: usd,
  /** When the limit is reached at the period's burn rate so far; null when it is not before the period ends. */
  exhaustsAt: isoTime.nullable(),
  /** What a hard budget's spend passed its limit by (spent − limit when positive); 0 for a soft budget. */
  overshootUsd: usd,
  state: BudgetState,
});

export const BudgetList = z.object({ budgets: z.array(BudgetStatus) });

/** The PUT body: the budget's fields; its scope, when given, must be the path's. */
export const BudgetBody = BudgetFields.strict();

/** A template's counters: how many values it has counted, and those nearest their limit. */
export const TemplateCounters = z.object({ count: z.number().int(), top: z.array(BudgetStatus) });

export const ReasonCode = z.enum([
  'NO_BUDGET',
  'BUDGET_EXCEEDED',
  'SOFT_LIMIT_EXCEEDED',
  'THRESHOLD_CROSSED',
  'MODEL_NOT_ALLOWED',
  'CALL_TOO_EXPENSIVE',
]);

export const ReservationResult = z.object({
  decision: z.enum(['ALLOWED', 'WARNING', 'BLOCKED']),
  reasonCode: ReasonCode.optional(),
  reason: z.string().optional(),
  reservationId: z.string().optional(),
  /** The budget that decided: the one that blocked, else the one nearest its limit. */
  budget: BudgetStatus.optional(),
  /** Every budget covering the call, when more than one does. */
  budgets: z.array(BudgetStatus).optional(),
  /** The tightest policy of the budgets covering the call: the caller caps the call's output by it. */
  policy: BudgetPolicy.optional(),
});

export const ReconciliationReport = z.object({
  from: isoTime,
  to: isoTime,
  groups: z.array(
    z.object({
      model: z.string(),
      provider: z.string(),
      calls: z.number().int(),
      recordedUsd: usd,
      billedUsd: usd,
      adjustmentUsd: usd,
    }),
  ),
  totals: z.object({ calls: z.number().int(), recordedUsd: usd, billedUsd: usd, adjustmentUsd: usd }),
  pending: z.number().int(),
  unavailable: z.number().int(),
  changes: z.array(
    z.object({
      generationId: z.string(),
      time: isoTime,
      model: z.string(),
      provider: z.string(),
      costSource: z.string(),
      recordedUsd: usd,
      billedUsd: usd,
      adjustmentUsd: usd,
    }),
  ),
});

export const ReconcileRun = ReconciliationReport.extend({
  run: z.object({
    matched: z.number().int(),
    adjusted: z.number().int(),
    notYet: z.number().int(),
    retried: z.number().int(),
    refused: z.number().int(),
    unavailable: z.number().int(),
  }),
});
