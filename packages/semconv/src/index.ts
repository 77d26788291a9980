// The names GenOps puts on the wire: span attributes, metric names and values. Nothing else spells them.

// Attribution (GenOps-AI names, so existing queries keep working).
export const ATTR_GENOPS_TEAM = 'genops.team' as const;
export const ATTR_GENOPS_PROJECT = 'genops.project' as const;
export const ATTR_GENOPS_FEATURE = 'genops.feature' as const;
export const ATTR_GENOPS_CUSTOMER_ID = 'genops.customer_id' as const;
export const ATTR_GENOPS_ENVIRONMENT = 'genops.environment' as const;
export const ATTR_GENOPS_COST_CENTER = 'genops.cost_center' as const;
export const ATTR_GENOPS_USER_ID = 'genops.user_id' as const;
export const ATTR_GENOPS_EXPERIMENT_ID = 'genops.experiment.id' as const;
export const ATTR_GENOPS_VARIANT_ID = 'genops.variant.id' as const;
export const ATTR_GENOPS_PROMPT_VERSION = 'genops.prompt.version' as const;
export const ATTR_GENOPS_FEATURE_VERSION = 'genops.feature.version' as const;

// Routing.
export const ATTR_GENOPS_PROVIDER = 'genops.provider' as const;
export const ATTR_GENOPS_MODEL = 'genops.model' as const;
export const ATTR_GENOPS_OPENROUTER_REQUESTED_PROVIDER = 'genops.openrouter.requested_provider' as const;
export const ATTR_GENOPS_OPENROUTER_ACTUAL_PROVIDER = 'genops.openrouter.actual_provider' as const;
export const ATTR_GENOPS_OPENROUTER_FALLBACK_USED = 'genops.openrouter.fallback_used' as const;
export const ATTR_GENOPS_OPENROUTER_GENERATION_ID = 'genops.openrouter.generation_id' as const;

// Cost.
export const ATTR_GENOPS_COST_TOTAL = 'genops.cost.total' as const;
export const ATTR_GENOPS_COST_CURRENCY = 'genops.cost.currency' as const;
export const ATTR_GENOPS_COST_SOURCE = 'genops.cost.source' as const;
export const ATTR_GENOPS_COST_ESTIMATED = 'genops.cost.estimated' as const;
export const ATTR_GENOPS_COST_UPSTREAM = 'genops.cost.upstream' as const;
/** The router's own fee on a BYOK call (the rest of `genops.cost.total` is `genops.cost.upstream`). */
export const ATTR_GENOPS_COST_FEE = 'genops.cost.fee' as const;
export const ATTR_GENOPS_OPENROUTER_BYOK = 'genops.openrouter.byok' as const;
export const ATTR_GENOPS_PRICE_CATALOG_VERSION = 'genops.price_catalog.version' as const;

// Tokens.
export const ATTR_GENOPS_TOKENS_INPUT = 'genops.tokens.input' as const;
export const ATTR_GENOPS_TOKENS_OUTPUT = 'genops.tokens.output' as const;
export const ATTR_GENOPS_TOKENS_TOTAL = 'genops.tokens.total' as const;
export const ATTR_GENOPS_TOKENS_CACHE_READ = 'genops.tokens.cache_read' as const;
export const ATTR_GENOPS_TOKENS_REASONING = 'genops.tokens.reasoning' as const;
/** Of `gen_ai.usage.cache_creation.input_tokens`, the prompt tokens written to the 1-hour cache (Anthropic). */
export const ATTR_GENOPS_TOKENS_CACHE_WRITE_1H = 'genops.tokens.cache_write_1h' as const;
/** Web searches the call ran (priced per search). */
export const ATTR_GENOPS_WEB_SEARCHES = 'genops.web_searches' as const;

// Budget.
export const ATTR_GENOPS_BUDGET_RESERVATION_ID = 'genops.budget.reservation_id' as const;
export const ATTR_GENOPS_BUDGET_DECISION = 'genops.budget.decision' as const;
export const ATTR_GENOPS_BUDGET_REASON_CODE = 'genops.budget.reason_code' as const;
/** The output cap BudgetGuard set on the request so that a hard budget's reservation bounds the call's cost. */
export const ATTR_GENOPS_BUDGET_OUTPUT_CAP = 'genops.budget.output_cap' as const;

// Metric-only attributes.
export const ATTR_GENOPS_STATUS = 'genops.status' as const;
export const ATTR_GENOPS_TOKEN_TYPE = 'genops.token.type' as const;
export const ATTR_GENOPS_BUDGET_POLICY = 'genops.budget.policy' as const;

// OpenTelemetry GenAI semantic conventions.
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name' as const;
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name' as const;
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model' as const;
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens' as const;
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature' as const;
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model' as const;
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id' as const;
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons' as const;
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens' as const;
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens' as const;
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens' as const;
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS =
  'gen_ai.usage.cache_creation.input_tokens' as const;
/** The service tier that served an OpenAI-compatible call (semconv `openai.response.service_tier`). */
export const ATTR_OPENAI_RESPONSE_SERVICE_TIER = 'openai.response.service_tier' as const;
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens' as const;
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type' as const;
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages' as const;
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages' as const;
export const ATTR_SERVER_ADDRESS = 'server.address' as const;
export const ATTR_ERROR_TYPE = 'error.type' as const;

// Metric instruments (OTel names; the Prometheus names are in DESIGN.md's table).
export const METRIC_GENOPS_REQUESTS = 'genops.requests' as const;
export const METRIC_GENOPS_REQUEST_DURATION = 'genops.request.duration' as const;
export const METRIC_GENOPS_TOKENS = 'genops.tokens' as const;
export const METRIC_GENOPS_COST = 'genops.cost' as const;
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage' as const;
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration' as const;
/** BudgetGuard checks that could not reach the processor (attr genops.budget.policy). */
export const METRIC_GENOPS_BUDGET_GUARD_UNREACHABLE = 'genops.budget.guard.unreachable' as const;

/** Every attribute a GenOps metric may carry: bounded values only, never an id. */
export const METRIC_ATTRIBUTE_KEYS = [
  ATTR_GENOPS_TEAM,
  ATTR_GENOPS_PROJECT,
  ATTR_GENOPS_ENVIRONMENT,
  ATTR_GENOPS_MODEL,
  ATTR_GENOPS_PROVIDER,
  ATTR_GENOPS_OPENROUTER_ACTUAL_PROVIDER,
  ATTR_GENOPS_OPENROUTER_FALLBACK_USED,
  ATTR_GENOPS_STATUS,
  ATTR_ERROR_TYPE,
  ATTR_GENOPS_TOKEN_TYPE,
  ATTR_GENOPS_BUDGET_POLICY,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
] as const;

// The cost attributes proposed for the GenAI semantic conventions (semantic-conventions-genai PR #443), set beside
// genops.cost.*: amount, ISO 4217 currency, and whether the provider reported it or it was computed locally.
export const ATTR_GEN_AI_USAGE_COST_AMOUNT = 'gen_ai.usage.cost.amount' as const;
export const ATTR_GEN_AI_USAGE_COST_CURRENCY = 'gen_ai.usage.cost.currency' as const;
export const ATTR_GEN_AI_USAGE_COST_SOURCE = 'gen_ai.usage.cost.source' as const;
export const GEN_AI_COST_SOURCE_PROVIDER = 'provider' as const;
export const GEN_AI_COST_SOURCE_LOCAL = 'local' as const;

export const COST_SOURCE_REPORTED = 'reported' as const;
export const COST_SOURCE_ESTIMATED = 'estimated' as const;
export const COST_SOURCE_UNKNOWN = 'unknown' as const;
export type CostSource =
  typeof COST_SOURCE_REPORTED | typeof COST_SOURCE_ESTIMATED | typeof COST_SOURCE_UNKNOWN;

export const STATUS_OK = 'ok' as const;
export const STATUS_ERROR = 'error' as const;

export const TOKEN_TYPE_INPUT = 'input' as const;
export const TOKEN_TYPE_OUTPUT = 'output' as const;
export const TOKEN_TYPE_CACHE_READ = 'cache_read' as const;
export const TOKEN_TYPE_REASONING = 'reasoning' as const;

/** Semantic-convention bucket boundaries for gen_ai.client.token.usage. */
export const TOKEN_USAGE_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
] as const;
/** Semantic-convention bucket boundaries (seconds) for gen_ai.client.operation.duration. */
export const OPERATION_DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
] as const;

export const INSTRUMENTATION_SCOPE = '@genops/instrumentation' as const;
export const INSTRUMENTATION_VERSION = '0.1.0' as const;
export { AI_SDK, ATTR_DEPLOYMENT_ENVIRONMENT_NAME, GEN_AI_LEGACY, OPENINFERENCE } from './foreign.js';
