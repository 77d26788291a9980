// The attributes other instrumentations put on their LLM spans, which the processor reads as cost events: the
// Vercel AI SDK's own `ai.*` spans, OpenInference's `llm.*` (Arize Phoenix), and the GenAI semantic conventions'
// names from before 1.27 that older OpenLLMetry and OpenLIT still send.

/** The Vercel AI SDK's span attributes (`experimental_telemetry`). */
export const AI_SDK = {
  OPERATION_ID: 'ai.operationId',
  MODEL_ID: 'ai.model.id',
  MODEL_PROVIDER: 'ai.model.provider',
  RESPONSE_MODEL: 'ai.response.model',
  RESPONSE_ID: 'ai.response.id',
  USAGE_INPUT_TOKENS: 'ai.usage.inputTokens',
  USAGE_PROMPT_TOKENS: 'ai.usage.promptTokens',
  USAGE_OUTPUT_TOKENS: 'ai.usage.outputTokens',
  USAGE_COMPLETION_TOKENS: 'ai.usage.completionTokens',
  USAGE_CACHED_INPUT_TOKENS: 'ai.usage.cachedInputTokens',
  USAGE_REASONING_TOKENS: 'ai.usage.reasoningTokens',
  /** `ai.telemetry.metadata.<key>`: what the caller put in `experimental_telemetry.metadata`. */
  TELEMETRY_METADATA_PREFIX: 'ai.telemetry.metadata.',
} as const;

/** OpenInference's LLM span attributes. */
export const OPENINFERENCE = {
  SPAN_KIND: 'openinference.span.kind',
  MODEL_NAME: 'llm.model_name',
  PROVIDER: 'llm.provider',
  SYSTEM: 'llm.system',
  TOKEN_COUNT_PROMPT: 'llm.token_count.prompt',
  TOKEN_COUNT_COMPLETION: 'llm.token_count.completion',
  TOKEN_COUNT_CACHE_READ: 'llm.token_count.prompt_details.cache_read',
  TOKEN_COUNT_CACHE_WRITE: 'llm.token_count.prompt_details.cache_write',
  TOKEN_COUNT_REASONING: 'llm.token_count.completion_details.reasoning',
  COST_TOTAL: 'llm.cost.total',
} as const;

/** GenAI semantic convention names from before 1.27. */
export const GEN_AI_LEGACY = {
  SYSTEM: 'gen_ai.system',
  USAGE_PROMPT_TOKENS: 'gen_ai.usage.prompt_tokens',
  USAGE_COMPLETION_TOKENS: 'gen_ai.usage.completion_tokens',
  USAGE_CACHE_READ_INPUT_TOKENS: 'gen_ai.usage.cache_read_input_tokens',
  USAGE_CACHE_CREATION_INPUT_TOKENS: 'gen_ai.usage.cache_creation_input_tokens',
  USAGE_REASONING_TOKENS: 'gen_ai.usage.reasoning_tokens',
} as const;

/** OTel's resource attribute for the deployment environment (`production`, `staging`). */
export const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name' as const;
