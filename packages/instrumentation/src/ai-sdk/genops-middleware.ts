// GenOps for the Vercel AI SDK: a language-model middleware (`wrapLanguageModel({ model, middleware })`) that gives
// every model call — generateText, streamText, generateObject, each step of a tool loop — one span and the GenOps
// metrics, over any AI SDK provider, with BudgetGuard able to block before the model is called. Structural types:
// the package does not depend on `ai`.
import { context as otelContext } from '@opentelemetry/api';
import type { TokenUsage } from '@genops/pricing';
import * as A from '@genops/semconv';
import { anthropicCatalogModel } from '../anthropic/instrument-anthropic.js';
import { admitCall } from '../budget/admit-call.js';
import { responseInfo, usageFromWire, type WireResponse } from '../openai/openrouter.js';
import { CallRecorder } from '../telemetry/call-recorder.js';
import { resolveTelemetry } from '../telemetry/resolve.js';
import { safely } from '../telemetry/safely.js';
import type { InstrumentOpenAIOptions } from '../types.js';

/** The `instrumentOpenAI` options; `provider` defaults to the AI SDK provider's name (`openrouter.chat` → `openrouter`). */
export type GenOpsMiddlewareOptions = InstrumentOpenAIOptions;

interface ModelLike {
  provider: string;
  modelId: string;
}

interface CallOptionsLike {
  prompt?: { role?: unknown; content?: unknown }[];
  maxOutputTokens?: number;
  temperature?: number;
}

/** AI SDK usage: the v4 spec's nested totals, or the earlier flat numbers. */
interface UsageLike {
  inputTokens?: number | { total?: number; cacheRead?: number; cacheWrite?: number };
  outputTokens?: number | { total?: number; reasoning?: number };
  reasoningTokens?: number;
  cachedInputTokens?: number;
}

interface GenerateResultLike {
  usage?: UsageLike;
  response?: { id?: string; modelId?: string; body?: unknown };
}

interface StreamPartLike {
  type: string;
  usage?: UsageLike;
  id?: string;
  modelId?: string;
  error?: unknown;
}

const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

/** AI SDK usage as priced (total input includes cache reads and writes, as the v4 spec reports it). */
export function usageFromAiSdk(usage: UsageLike | undefined): TokenUsage | undefined {
  if (!usage) return undefined;
  const { inputTokens: input, outputTokens: output } = usage;
  if (typeof input === 'object' || typeof output === 'object') {
    const i = typeof input === 'object' && input ? input : {};
    const o = typeof output === 'object' && output ? output : {};
    return {
      inputTokens: count(i.total),
      outputTokens: count(o.total),
      cacheReadTokens: count(i.cacheRead),
      cacheWriteTokens: count(i.cacheWrite),
      reasoningTokens: count(o.reasoning),
    };
  }
  return {
    inputTokens: count(input),
    outputTokens: count(output),
    cacheReadTokens: count(usage.cachedInputTokens),
    reasoningTokens: count(usage.reasoningTokens),
  };
}

type DoCall<T = unknown> = () => PromiseLike<T>;

/** The call's span, with its request attributes and (when opted in) its prompt. */
function startRecorder(
  telemetry: ReturnType<typeof resolveTelemetry>,
  options: GenOpsMiddlewareOptions,
  model: ModelLike,
  params: CallOptionsLike,
): CallRecorder {
  const requestAttributes: Record<string, number> = {};
  if (typeof params.maxOutputTokens === 'number')
    requestAttributes[A.ATTR_GEN_AI_REQUEST_MAX_TOKENS] = params.maxOutputTokens;
  if (typeof params.temperature === 'number')
    requestAttributes[A.ATTR_GEN_AI_REQUEST_TEMPERATURE] = params.temperature;
  const provider = options.provider ?? model.provider.split('.')[0] ?? model.provider;
  const recorder = new CallRecorder(
    telemetry,
    // Anthropic's dated model ids are priced under the catalog's ids, as instrumentAnthropic does.
    {
      provider,
      model: model.modelId,
      operation: 'chat',
      ...(provider === 'anthropic' ? { priceAs: anthropicCatalogModel } : {}),
    },
    requestAttributes,
  );
  recorder.captureContent('input', params.prompt ?? []);
  return recorder;
}

/** What a generate call's result says: the served provider and reported cost of an OpenAI-compatible body, the usage. */
function readGenerateResult(recorder: CallRecorder, model: ModelLike, result: GenerateResultLike): void {
  // An OpenAI-compatible body (OpenRouter's) carries the served provider and the reported cost.
  const body = result.response?.body as WireResponse | undefined;
  recorder.setResponse({
    ...(body?.usage ? responseInfo(body, model.modelId, { requestedModels: [] }) : {}),
    ...(result.response?.modelId ? { responseModel: result.response.modelId } : {}),
    ...(result.response?.id ? { responseId: result.response.id } : {}),
  });
  const usage = usageFromAiSdk(result.usage) ?? usageFromWire(body?.usage);
  if (usage) recorder.setUsage(usage);
}

/** Passes a stream's parts on as they come, reading its metadata and usage; ends the span when the stream ends. */
function observeStream<P extends StreamPartLike>(recorder: CallRecorder): TransformStream<P, P> {
  let failure: unknown;
  const observe = (part: P) => {
    if (part.type === 'response-metadata')
      recorder.setResponse({
        ...(part.modelId ? { responseModel: part.modelId } : {}),
        ...(part.id ? { responseId: part.id } : {}),
      });
    else if (part.type === 'finish') {
      const usage = usageFromAiSdk(part.usage);
      if (usage) recorder.setUsage(usage);
    } else if (part.type === 'error') failure = part.error;
  };
  return new TransformStream<P, P>({
    transform(part, controller) {
      safely('reading a stream part', () => observe(part), undefined);
      controller.enqueue(part);
    },
    flush() {
      recorder.end(failure);
    },
  });
}

export function genopsMiddleware(options: GenOpsMiddlewareOptions = {}) {
  const telemetry = resolveTelemetry(options);
  const guard = options.budgetGuard;

  /** Starts the span, admits, then runs the model call in the span's context; a failure ends the span. */
  async function begin<T>(model: ModelLike, params: CallOptionsLike, call: DoCall<T>) {
    const recorder = safely(
      'starting the LLM span',
      () => startRecorder(telemetry, options, model, params),
      undefined,
    );
    if (!recorder) return { result: await call() };
    const admitted = guard
      ? await admitCall(guard, recorder, model.modelId, () =>
          guard.estimateChatCost({
            model: model.modelId,
            messages: params.prompt ?? [],
            max_tokens: params.maxOutputTokens,
          }),
        )
      : undefined;
    try {
      return { recorder, result: await otelContext.with(recorder.context, call) };
    } catch (error) {
      if (admitted?.reservationId) void guard!.release(admitted.reservationId);
      recorder.end(error);
      throw error;
    }
  }

  // Generic in the SDK's own result and stream part types, so the middleware is the SDK's `LanguageModelMiddleware`
  // to TypeScript (`wrapLanguageModel({ model, middleware: genopsMiddleware() })` type-checks) and returns them as is.
  return {
    async wrapGenerate<R extends GenerateResultLike>({
      doGenerate,
      params,
      model,
    }: {
      doGenerate: DoCall<R>;
      params: CallOptionsLike;
      model: ModelLike;
    }): Promise<R> {
      const { recorder, result } = await begin(model, params, doGenerate);
      if (!recorder) return result;
      safely('reading the result', () => readGenerateResult(recorder, model, result), undefined);
      recorder.end();
      return result;
    },

    async wrapStream<P extends StreamPartLike, S extends { stream: ReadableStream<P> }>({
      doStream,
      params,
      model,
    }: {
      doStream: DoCall<S>;
      params: CallOptionsLike;
      model: ModelLike;
    }): Promise<S> {
      const { recorder, result } = await begin(model, params, doStream);
      if (!recorder) return result;
      const stream = result.stream.pipeThrough(observeStream<P>(recorder));
      return { ...result, stream };
    },
  };
}
