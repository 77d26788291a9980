// What BudgetGuard asks for before a call. Pure zod (the API's declaration imports it).
import { z } from 'zod';

export const ReservationRequestSchema = z
  .object({
    team: z.string().min(1),
    project: z.string().optional(),
    /** The customer, feature and environment the call is for: budgets of those scopes cover it too. */
    customer: z.string().optional(),
    feature: z.string().optional(),
    environment: z.string().optional(),
    model: z.string().min(1),
    estimatedCostUsd: z.number().finite().min(0).max(100_000),
    ttlSeconds: z.number().int().min(1).max(86_400).default(300),
    /** Why the estimate is what it is when not a catalog price (e.g. an unpriced model's fallback). */
    estimateBasis: z.string().max(500).optional(),
  })
  .strict();

export type ReservationInput = z.input<typeof ReservationRequestSchema>;

/** More for a live reservation, as a streamed call's output outgrows it. */
export const ExtensionRequestSchema = z
  .object({
    amountUsd: z.number().finite().gt(0).max(100_000),
    /** The reservation lives at least this much longer. */
    ttlSeconds: z.number().int().min(1).max(86_400).default(300),
  })
  .strict();
