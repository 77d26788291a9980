// Public types of @genops/instrumentation.
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { BudgetGuard } from './budget/budget-guard.js';
import type { PriceCatalog, TokenUsage } from '@genops/pricing';
export type { TokenUsage };

/** Who a call is for. Every field is optional; unset fields fall back to wrap defaults, then GENOPS_* env. */
export interface GenOpsAttribution {
  /** Team that owns the spend. Env: GENOPS_TEAM. */
  team?: string;
  /** Project within the team. Env: GENOPS_PROJECT. */
  project?: string;
  /** End customer the call serves (spans and ledger only, never a metric label). Env: GENOPS_CUSTOMER_ID. */
  customerId?: string;
  /** Product feature. Env: GENOPS_FEATURE. */
  feature?: string;
  /** Deployment environment, e.g. `production`. Env: GENOPS_ENVIRONMENT. */
  environment?: string;
  /** Finance cost centre. Env: GENOPS_COST_CENTER. */
  costCenter?: string;
  /** End user (spans and ledger only). Env: GENOPS_USER_ID. */
  userId?: string;
  /** Experiment id for A/B comparisons. Env: GENOPS_EXPERIMENT_ID. */
  experimentId?: string;
  /** Variant within the experiment. Env: GENOPS_VARIANT_ID. */
  variantId?: string;
  /** Version of the prompt template. Env: GENOPS_PROMPT_VERSION. */
  promptVersion?: string;
  /** Version of the feature. Env: GENOPS_FEATURE_VERSION. */
  featureVersion?: string;
}

/** How the instrumentation reports and prices calls. Shared by `instrumentOpenAI` and `trackLLMCall`. */
export interface TelemetryOptions {
  /** Attribution applied under any `withGenOps` context. */
  defaults?: GenOpsAttribution;
  /** Prices used for estimates; defaults to the bundled catalog. */
  priceCatalog?: PriceCatalog;
  /** Tracer provider; defaults to the global one (set by `setupGenOps` or the service). */
  tracerProvider?: TracerProvider;
  /** Meter provider; defaults to the global one. */
  meterProvider?: MeterProvider;
  /** Record prompts and completions on the span. Off unless set: content may hold personal data. */
  captureContent?: boolean;
  /** Applied to every captured message before it is recorded; return the redacted text. */
  redact?: (text: string, kind: 'input' | 'output') => string;
  /** Environment to read GENOPS_* defaults from; defaults to `process.env`. */
  env?: Record<string, string | undefined>;
}

/** Options for `instrumentOpenAI`. */
export interface InstrumentOpenAIOptions extends TelemetryOptions {
  /**
   * The API the client talks to, as `genops.provider`. Defaults to `openrouter` when the client's base URL is
   * on openrouter.ai, else `openai`.
   */
  provider?: string;
  /**
   * Check the team's budget at the processor before each call; a BLOCKED decision throws BudgetExceededError
   * and the LLM is never called. With a guard, `create()` returns a plain Promise (no `.withResponse()`).
   */
  budgetGuard?: BudgetGuard;
}

/** What `trackLLMCall` knows about a call before it runs. */
export interface LLMCallMeta {
  /** The API called, e.g. `openrouter`, `anthropic`, `custom`. */
  provider: string;
  /** The model requested. */
  model: string;
  /** GenAI operation name; defaults to `chat`. */
  operation?: string;
  /** Host of the API, for `server.address`. */
  serverAddress?: string;
  /** The price catalog's id for a model the API names differently (e.g. Anthropic's dated ids). */
  priceAs?: (model: string) => string;
}

/** What the API said about a finished call. */
export interface LLMResponseInfo {
  /** Model that actually served the call. */
  responseModel?: string;
  /** Response id (`gen_ai.response.id`). */
  responseId?: string;
  /** Provider that served the call (OpenRouter's `provider` field). */
  actualProvider?: string;
  /** Provider the request asked for first, if any. */
  requestedProvider?: string;
  /** Whether the router fell back from the first choice. */
  fallbackUsed?: boolean;
  /** OpenRouter generation id. */
  generationId?: string;
  /**
   * Cost the API reported, in USD: OpenRouter `usage.cost`, plus the upstream cost for a BYOK request (where
   * `usage.cost` is only OpenRouter's fee and the provider bills your own key). Wins over the estimate.
   */
  reportedCostUsd?: number;
  /** Upstream provider's cost when the API reports it separately (OpenRouter `cost_details`). */
  upstreamCostUsd?: number;
  /** A bring-your-own-key request (OpenRouter `usage.is_byok`). */
  byok?: boolean;
  /** The router's own fee on a BYOK request (OpenRouter `usage.cost` then). */
  feeUsd?: number;
  /** Finish reasons of the choices. */
  finishReasons?: string[];
}

/** Handle given to `trackLLMCall`'s callback to report what the call returned. */
export interface LLMCall {
  setUsage(usage: TokenUsage): void;
  setResponse(info: LLMResponseInfo): void;
  /** Attach a budget reservation id so the processor settles it with this call's cost. */
  setReservation(reservationId: string): void;
}
