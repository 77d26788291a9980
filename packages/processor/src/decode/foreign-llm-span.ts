// LLM-call spans from other instrumentations, read as a GenOps call: OTel GenAI semantic conventions (OpenLLMetry,
// OpenLIT, the OTel contrib instrumentations), the Vercel AI SDK's own spans, and OpenInference. Only the spans of
// one model call count: the AI SDK's `ai.generateText` (a whole tool loop, its usage summed) and OpenInference's
// CHAIN / AGENT spans are parents of the LLM spans that carry the same tokens, so they are skipped, not charged.
import type { TokenUsage } from '@genops/pricing';

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

/**
 * The call a foreign span describes; `skip` for a span of the right kind that is not one model call (a parent);
 * undefined when the span is no LLM call at all.
 */
/** The proposed semconv cost attributes (`gen_ai.usage.cost.*`), in USD only. */
function semconvCost(read: AttributeReader): Pick<ForeignLlmCall, 'reportedCostUsd' | 'localCostUsd'> {
  const amount = read.num('gen_ai.usage.cost.amount');
  const currency = read.str('gen_ai.usage.cost.currency') || 'USD';
  if (amount === undefined || currency.toUpperCase() !== 'USD') return {};
  return read.str('gen_ai.usage.cost.source') === 'provider'
    ? { reportedCostUsd: amount }
    : { localCostUsd: amount };
}

export function readForeignLlmCall(read: AttributeReader): ForeignLlmCall | 'skip' | undefined {
  const call = readCall(read);
  return call && call !== 'skip' && call.reportedCostUsd === undefined
    ? { ...call, ...semconvCost(read) }
    : call;
}

function readCall(read: AttributeReader): ForeignLlmCall | 'skip' | undefined {
  const operation = read.str('ai.operationId');
  if (operation) {
    // generateText → ai.generateText (the loop) and ai.generateText.doGenerate (each model call): only the latter.
    if (!/\.do(Generate|Stream)$/.test(operation)) return 'skip';
    const model = first(read, ['ai.model.id', 'gen_ai.request.model']);
    return {
      convention: 'ai-sdk',
      model,
      servedModel: first(read, ['ai.response.model', 'gen_ai.response.model']) || model,
      provider: providerName(first(read, ['ai.model.provider', 'gen_ai.system']) || 'unknown'),
      usage: {
        inputTokens: firstInt(read, [
          'ai.usage.inputTokens',
          'ai.usage.promptTokens',
          'gen_ai.usage.input_tokens',
        ]),
        outputTokens: firstInt(read, [
          'ai.usage.outputTokens',
          'ai.usage.completionTokens',
          'gen_ai.usage.output_tokens',
        ]),
        cacheReadTokens: firstInt(read, ['ai.usage.cachedInputTokens']),
        reasoningTokens: firstInt(read, ['ai.usage.reasoningTokens']),
      },
    };
  }
  const openinference = read.str('openinference.span.kind');
  if (openinference || read.has('llm.token_count.prompt') || read.has('llm.token_count.completion')) {
    if (openinference && openinference.toUpperCase() !== 'LLM') return 'skip';
    const model = read.str('llm.model_name');
    const cost = read.num('llm.cost.total');
    return {
      convention: 'openinference',
      model,
      servedModel: model,
      provider: first(read, ['llm.provider', 'llm.system']) || 'unknown',
      usage: {
        inputTokens: read.int('llm.token_count.prompt'),
        outputTokens: read.int('llm.token_count.completion'),
        cacheReadTokens: firstInt(read, ['llm.token_count.prompt_details.cache_read']),
        cacheWriteTokens: firstInt(read, ['llm.token_count.prompt_details.cache_write']),
        reasoningTokens: firstInt(read, ['llm.token_count.completion_details.reasoning']),
      },
      ...(cost !== undefined ? { reportedCostUsd: cost } : {}),
    };
  }
  const inputKeys = ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'];
  const outputKeys = ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'];
  // prompt_tokens / completion_tokens: the GenAI semconv names before 1.27, still sent by older OpenLLMetry/OpenLIT.
  if ([...inputKeys, ...outputKeys].some((key) => read.has(key))) {
    const op = read.str('gen_ai.operation.name');
    if (op && !MODEL_CALLS.has(op)) return 'skip';
    const model = first(read, ['gen_ai.request.model', 'gen_ai.response.model']);
    return {
      convention: 'gen_ai',
      model,
      servedModel: read.str('gen_ai.response.model') || model,
      provider: genAiProvider(first(read, ['gen_ai.provider.name', 'gen_ai.system']) || 'unknown'),
      usage: {
        inputTokens: firstInt(read, inputKeys),
        outputTokens: firstInt(read, outputKeys),
        cacheReadTokens: firstInt(read, [
          'gen_ai.usage.cache_read.input_tokens',
          'gen_ai.usage.cache_read_input_tokens',
        ]),
        cacheWriteTokens: firstInt(read, [
          'gen_ai.usage.cache_creation.input_tokens',
          'gen_ai.usage.cache_creation_input_tokens',
        ]),
        reasoningTokens: firstInt(read, [
          'gen_ai.usage.reasoning.output_tokens',
          'gen_ai.usage.reasoning_tokens',
        ]),
      },
    };
  }
  return undefined;
}
