// Health, readiness, metrics, the API document, who the caller is, and the prices in force.
import { z } from 'zod';
import { defineRoute } from './route.js';

export const healthz = defineRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness',
  tag: 'system',
  role: 'open',
  response: z.object({ status: z.literal('ok') }),
});

export const readyz = defineRoute({
  method: 'get',
  path: '/readyz',
  summary:
    'Ready: the ledger and Kafka answer, and the consumer is in its group consuming (not restarting, not rebalancing, not lagging past GENOPS_READY_MAX_LAG)',
  tag: 'system',
  role: 'open',
  response: z.object({ status: z.enum(['ready', 'not ready']), checks: z.record(z.string(), z.string()) }),
  errors: { 503: 'not ready (the checks say why)' },
});

export const metrics = defineRoute({
  method: 'get',
  path: '/metrics',
  summary: 'Prometheus metrics (text exposition); needs the metrics role when GENOPS_METRICS_AUTH=token',
  tag: 'system',
  role: 'open',
  response: z.string(),
  alsoProduces: 'text/plain',
});

export const openapi = defineRoute({
  method: 'get',
  path: '/openapi.json',
  summary: 'This document',
  tag: 'system',
  role: 'open',
  response: z.record(z.string(), z.unknown()),
});

export const Session = z.object({
  /** False when the processor runs without tokens (loopback only): everyone has full access. */
  authRequired: z.boolean(),
  /** The token's name, never its secret. */
  name: z.string(),
  roles: z.array(z.enum(['read', 'manage', 'reserve', 'metrics'])),
  /** The teams the token may see and act for; null for every team. */
  teams: z.array(z.string()).nullable(),
});

export const getSession = defineRoute({
  method: 'get',
  path: '/v1/session',
  summary: 'Who the bearer token is: its name, roles and teams (the console signs in with it)',
  tag: 'system',
  role: 'any',
  response: Session,
  errors: { 401: 'no valid token' },
});

const price = z.number().optional();
const TokenPrices = z.object({
  input: price,
  output: price,
  cacheRead: price,
  cacheWrite: price,
  cacheWrite1h: price,
  reasoning: price,
});
const LongContextTier = z.object({ thresholdTokens: z.number().int(), ...TokenPrices.shape });
export const PriceEntry = z.object({
  model: z.string(),
  effectiveFrom: z.string(),
  /** USD per million tokens. */
  input: z.number(),
  output: z.number(),
  cacheRead: price,
  cacheWrite: price,
  cacheWrite1h: price,
  reasoning: price,
  /** USD per call and per web search. */
  request: price,
  webSearch: price,
  /** Long-context tiers: from above `thresholdTokens`, the call at these prices (later tiers over earlier). */
  longContext: z.array(LongContextTier).optional(),
  /** Prices by service tier, each with its own long-context tiers when it has them. */
  serviceTiers: z
    .record(z.string(), z.object({ ...TokenPrices.shape, longContext: z.array(LongContextTier).optional() }))
    .optional(),
});

export const Prices = z.object({
  version: z.string(),
  loadedAt: z.string().optional(),
  /** Model ids the catalog prices. */
  models: z.array(z.string()),
  /** Every price of every model, with the date it took effect (oldest first per model). */
  entries: z.array(PriceEntry),
  /** Models called in the last 30 days that the catalog has no price for, with their calls. */
  unpriced: z.array(
    z.object({
      model: z.string(),
      requests: z.number().int(),
      /** Why no price applies: none for that model, or a name that fits several models (never guessed). */
      reason: z.string(),
    }),
  ),
});

export const getPrices = defineRoute({
  method: 'get',
  path: '/v1/prices',
  summary:
    'The price catalog in force, every price dimension with its effective date, and unpriced models seen',
  tag: 'prices',
  role: 'read',
  response: Prices,
});
