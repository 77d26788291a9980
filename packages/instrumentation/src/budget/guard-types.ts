// What BudgetGuard is configured with, what it is asked and what it answers.
import type { PriceCatalog } from '@genops/pricing';
import type { PromptTokenCounter } from './prompt-tokens.js';
import type { CallPolicy } from './call-policy.js';

export type BudgetDecision = 'ALLOWED' | 'WARNING' | 'BLOCKED';

export interface BudgetGuardOptions {
  /** Processor base URL. Default: GENOPS_URL, else http://127.0.0.1:8080. */
  url?: string;
  /** Bearer token. Default: GENOPS_TOKEN. */
  token?: string;
  /**
   * When the processor cannot be reached (connection error, timeout, 5xx): `true` (default) lets the call
   * through, `false` blocks it. A processor that answers with a 4xx (a rejected token, a bad request) always
   * blocks: a misconfiguration must not turn enforcement off.
   */
  failOpen?: boolean;
  /** Per-request timeout, ms. Default 2000. */
  timeoutMs?: number;
  /** How long a reservation lives if its cost span never arrives, s. Default 300. */
  ttlSeconds?: number;
  /** How long a BLOCKED decision is reused for the same team without asking again, ms. Default 1000. */
  blockedCacheMs?: number;
  /** Prices for the worst-case estimate; default the bundled catalog. */
  priceCatalog?: PriceCatalog;
  /**
   * Output tokens a call may produce when the request sets no cap. Default 1024. Under a hard budget the guard sets
   * this cap on the request, so what was reserved bounds what the call can cost.
   */
  defaultMaxOutputTokens?: number;
  /**
   * The fewest output tokens worth calling for. Under a hard budget whose headroom cannot pay for the request's whole
   * cap, the call is capped to what is left, or blocked (reason OUTPUT_FLOOR_UNAFFORDABLE) when what is left pays
   * for fewer than this. Default 32.
   */
  outputFloorTokens?: number;
  /**
   * Under a hard budget a stream reserves its output in increments of this many tokens as it arrives, asking for the
   * next one ahead; when the budget refuses one, the stream is cut (see `StreamCutError`). Default 256.
   */
  streamIncrementTokens?: number;
  /**
   * Reserved for a call whose model has no price in the catalog, USD. Default 0.1 (a long answer from a
   * frontier model); the call's cost span settles the real amount.
   */
  unknownModelEstimateUsd?: number;
  /**
   * Counts prompt tokens for a model (the service's tokenizer for its models); where it returns undefined, the
   * guard counts: OpenAI's tokenizer for OpenAI models (see `tokenizers`), else the calibrated estimate with its
   * stated margin (× 1.25 + 16 tokens: `estimatePromptTokensWithMargin`).
   */
  promptTokenCounter?: PromptTokenCounter;
  /**
   * Count OpenAI models' prompts with OpenAI's own tokenizers (o200k, cl100k; `gpt-tokenizer`), loaded on the first
   * OpenAI call the guard admits — both encodings, about 240 ms and 90 MB, once per process. Default true; false keeps the
   * estimate with its margin for every model.
   */
  tokenizers?: boolean;
}

/** A worst-case estimate and what it rests on. */
export interface CallEstimate {
  usd: number;
  /** Set when the estimate is not from the catalog's price for the model. */
  basis?: string;
}

/** Who a call is for, as budgets' scopes see it (a budget may cover a customer, a feature, an environment). */
export interface CallScope {
  team: string;
  project?: string;
  customer?: string;
  feature?: string;
  environment?: string;
}

export interface AdmitRequest extends CallScope {
  model: string;
  estimatedCostUsd: number;
  /** Why the estimate is what it is, when not a catalog price (shown in the processor's reason). */
  estimateBasis?: string;
}

export interface Admitted {
  decision: BudgetDecision;
  reservationId?: string;
  reasonCode?: string;
  /** Under a hard budget: the output cap the request must carry for its reservation to bound its cost. */
  maxOutputTokens?: number;
  /** Under a hard budget, for a stream: what its reservation pays for so far, extended as its output arrives. */
  stream?: StreamReservation;
}

/** A stream's reservation under a hard budget (stream-budget.ts holds the stream to it). */
export interface StreamReservation {
  reservationId: string;
  /** The prompt tokens the reservation counted (the usage recorded for a stream cut before it reported any). */
  promptTokens: number;
  /** Output tokens the reservation pays for so far. */
  outputTokens: number;
  /** What one more output token costs, USD. */
  outputTokenUsd: number;
  /** Output tokens each extension asks for. */
  incrementTokens: number;
  /** The request's output cap: no extension goes past it. */
  maxOutputTokens: number;
}

/** A chat call to admit: what it sends, priced under `priceModel` (the catalog's id) when given. */
export interface ChatAdmission extends CallScope {
  model: string;
  priceModel?: string;
  messages: { role?: unknown; content?: unknown }[];
  /** The caller's own output cap, if any (a lower cap always wins). */
  maxOutputTokens?: number;
  /** A streamed call: its output is reserved in increments as it arrives (`streamIncrementTokens`). */
  stream?: boolean;
}

/** The processor's answer to a reservation. */
/** A budget's counters as the processor answers them. */
export interface BudgetCounters {
  enforcement: string;
  limitUsd: number;
  spentUsd: number;
  reservedUsd: number;
}

export interface ReservationAnswer {
  decision: BudgetDecision;
  reservationId?: string;
  reasonCode?: string;
  reason?: string;
  /** The budget that decided: the one that blocked, else the one nearest its limit. */
  budget?: BudgetCounters;
  /** Every budget covering the call, when several do (a team's, its model's, its customer's, the organisation's). */
  budgets?: BudgetCounters[];
  /** The tightest policy of the budgets covering the call (call-policy.ts). */
  policy?: CallPolicy;
}

export interface ChatParams {
  model?: unknown;
  messages?: { role?: unknown; content?: unknown }[];
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
}
