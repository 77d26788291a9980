// LLM-call spans from other instrumentations, read as a GenOps call: OTel GenAI semantic conventions (OpenLLMetry,
// OpenLIT, the OTel contrib instrumentations), the Vercel AI SDK's own spans, and OpenInference. Only the spans of
// one model call count: the AI SDK's `ai.generateText` (a whole tool loop, its usage summed) and OpenInference's
// CHAIN / AGENT spans are parents of the LLM spans that carry the same tokens, so they are skipped, not charged.
import type { TokenUsage } from '@genops/pricing';
import * as A from '@genops/semconv';
import { AI_SDK, GEN_AI_LEGACY, OPENINFERENCE } from '@genops/semconv';

export interface ForeignLlmCall {
  /** Which convention the span follows. */
  convention: 'gen_ai' | 'ai-sdk' | 'openinference';
  model: string;
  servedModel: string;
  provider: string;
  usage: TokenUsage;
  /** A cost the provider reported, carried by the span (OpenInference `llm.cost.total`, semconv cost `provider`), USD. */
  reportedCostUsd?: number;
  /** A cost the producer computed itself (semconv cost `local`), USD: used only when our catalog has no price. */
  localCostUsd?: number;
}

export interface AttributeReader {
  str(key: string): string;
  /** A non-negative integer attribute, 0 when absent; throws naming the key when malformed. */
  int(key: string): number;
  num(key: string): number | undefined;
  has(key: string): boolean;
}

const first = (read: AttributeReader, keys: string[]) => keys.map((k) => read.str(k)).find(Boolean) ?? '';
/** The first of `keys` the span has, as a token count; 0 when it has none. */
export const firstInt = (read: AttributeReader, keys: string[]) => {
  const key = keys.find((k) => read.has(k));
  return key ? read.int(key) : 0;
};

/** The AI SDK's `provider` is `<name>.<api>` (`openrouter.chat`, `openai.responses`): the name is the provider. */
const providerName = (provider: string) => provider.split('.')[0] ?? provider;
/** The same, for `gen_ai.provider.name` (where dots are part of real names, `aws.bedrock`): only an API suffix goes. */
const genAiProvider = (provider: string) =>
  provider.replace(/\.(chat|responses|completion|completions|embedding)$/, '');

/**
 * `gen_ai.operation.name` values that are one call to a model. Agent and workflow spans (`invoke_agent`,
 * `create_agent`, the AI SDK 7's `agent_step`, `execute_tool`) wrap those calls and repeat their usage: skipped.
 */
const MODEL_CALLS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);

/** The proposed semconv cost attributes (`gen_ai.usage.cost.*`), in USD only. */
function semconvCost(read: AttributeReader): Pick<ForeignLlmCall, 'reportedCostUsd' | 'localCostUsd'> {
  const amount = read.num(A.ATTR_GEN_AI_USAGE_COST_AMOUNT);
  const currency = read.str(A.ATTR_GEN_AI_USAGE_COST_CURRENCY) || 'USD';
  if (amount === undefined || currency.toUpperCase() !== 'USD') return {};
  return read.str(A.ATTR_GEN_AI_USAGE_COST_SOURCE) === A.GEN_AI_COST_SOURCE_PROVIDER
    ? { reportedCostUsd: amount }
    : { localCostUsd: amount };
}

/**
 * The call a foreign span describes; `skip` for a span of the right kind that is not one model call (a parent);
 * undefined when the span is no LLM call at all. One reader per convention, the first that recognises the span.
 */
export function readForeignLlmCall(read: AttributeReader): ForeignLlmCall | 'skip' | undefined {
  const call = readAiSdk(read) ?? readOpenInference(read) ?? readGenAi(read);
  return call && call !== 'skip' && call.reportedCostUsd === undefined
    ? { ...call, ...semconvCost(read) }
    : call;
}

/** The AI SDK: `ai.generateText` (the loop) and `ai.generateText.doGenerate` (each model call): only the latter. */
function readAiSdk(read: AttributeReader): ForeignLlmCall | 'skip' | undefined {
  const operation = read.str(AI_SDK.OPERATION_ID);
  if (!operation) return undefined;
  if (!/\.do(Generate|Stream)$/.test(operation)) return 'skip';
  const model = first(read, [AI_SDK.MODEL_ID, A.ATTR_GEN_AI_REQUEST_MODEL]);
  return {
    convention: 'ai-sdk',
    model,
    servedModel: first(read, [AI_SDK.RESPONSE_MODEL, A.ATTR_GEN_AI_RESPONSE_MODEL]) || model,
    provider: providerName(first(read, [AI_SDK.MODEL_PROVIDER, GEN_AI_LEGACY.SYSTEM]) || 'unknown'),
    usage: {
      inputTokens: firstInt(read, [
        AI_SDK.USAGE_INPUT_TOKENS,
        AI_SDK.USAGE_PROMPT_TOKENS,
        A.ATTR_GEN_AI_USAGE_INPUT_TOKENS,
      ]),
      outputTokens: firstInt(read, [
        AI_SDK.USAGE_OUTPUT_TOKENS,
        AI_SDK.USAGE_COMPLETION_TOKENS,
        A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
      ]),
      cacheReadTokens: firstInt(read, [AI_SDK.USAGE_CACHED_INPUT_TOKENS]),
      reasoningTokens: firstInt(read, [AI_SDK.USAGE_REASONING_TOKENS]),
    },
  };
}

/** OpenInference: its LLM spans (CHAIN and AGENT spans are their parents, with the same tokens: skipped). */
function readOpenInference(read: AttributeReader): ForeignLlmCall | 'skip' | undefined {
  const kind = read.str(OPENINFERENCE.SPAN_KIND);
  if (!kind && !read.has(OPENINFERENCE.TOKEN_COUNT_PROMPT) && !read.has(OPENINFERENCE.TOKEN_COUNT_COMPLETION))
    return undefined;
  if (kind && kind.toUpperCase() !== 'LLM') return 'skip';
  const model = read.str(OPENINFERENCE.MODEL_NAME);
  const cost = read.num(OPENINFERENCE.COST_TOTAL);
  return {
    convention: 'openinference',
    model,
    servedModel: model,
    provider: first(read, [OPENINFERENCE.PROVIDER, OPENINFERENCE.SYSTEM]) || 'unknown',
    usage: {
      inputTokens: read.int(OPENINFERENCE.TOKEN_COUNT_PROMPT),
      outputTokens: read.int(OPENINFERENCE.TOKEN_COUNT_COMPLETION),
      cacheReadTokens: firstInt(read, [OPENINFERENCE.TOKEN_COUNT_CACHE_READ]),
      cacheWriteTokens: firstInt(read, [OPENINFERENCE.TOKEN_COUNT_CACHE_WRITE]),
      reasoningTokens: firstInt(read, [OPENINFERENCE.TOKEN_COUNT_REASONING]),
    },
    ...(cost !== undefined ? { reportedCostUsd: cost } : {}),
  };
}

/** The GenAI semantic conventions (OpenLLMetry, OpenLIT, the OTel contrib instrumentations), old names included. */
function readGenAi(read: AttributeReader): ForeignLlmCall | 'skip' | undefined {
  const inputKeys = [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS, GEN_AI_LEGACY.USAGE_PROMPT_TOKENS];
  const outputKeys = [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, GEN_AI_LEGACY.USAGE_COMPLETION_TOKENS];
  if (![...inputKeys, ...outputKeys].some((key) => read.has(key))) return undefined;
  const op = read.str(A.ATTR_GEN_AI_OPERATION_NAME);
  if (op && !MODEL_CALLS.has(op)) return 'skip';
  const model = first(read, [A.ATTR_GEN_AI_REQUEST_MODEL, A.ATTR_GEN_AI_RESPONSE_MODEL]);
  return {
    convention: 'gen_ai',
    model,
    servedModel: read.str(A.ATTR_GEN_AI_RESPONSE_MODEL) || model,
    provider: genAiProvider(first(read, [A.ATTR_GEN_AI_PROVIDER_NAME, GEN_AI_LEGACY.SYSTEM]) || 'unknown'),
    usage: {
      inputTokens: firstInt(read, inputKeys),
      outputTokens: firstInt(read, outputKeys),
      cacheReadTokens: firstInt(read, [
        A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
        GEN_AI_LEGACY.USAGE_CACHE_READ_INPUT_TOKENS,
      ]),
      cacheWriteTokens: firstInt(read, [
        A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
        GEN_AI_LEGACY.USAGE_CACHE_CREATION_INPUT_TOKENS,
      ]),
      reasoningTokens: firstInt(read, [
        A.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
        GEN_AI_LEGACY.USAGE_REASONING_TOKENS,
      ]),
    },
  };
}
