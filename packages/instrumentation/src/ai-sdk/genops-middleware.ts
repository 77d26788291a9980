// GenOps for the Vercel AI SDK: a language-model middleware (`wrapLanguageModel({ model, middleware })`) that gives
// every model call — generateText, streamText, generateObject, each step of a tool loop — one span and the GenOps
// metrics, over any AI SDK provider, with BudgetGuard able to block before the model is called. Structural types:
// the package does not depend on `ai`.
import type { TokenUsage } from '@genops/pricing';
import * as A from '@genops/semconv';
import { anthropicCatalogModel } from '../anthropic/instrument-anthropic.js';
import { responseInfo, usageFromWire, type WireResponse } from '../openai/openrouter.js';
import { holdToBudget, textTokens, type StreamBudget } from '../budget/stream-budget.js';
import { estimatePromptTokens } from '../budget/prompt-tokens.js';
import { CallRecorder } from '../telemetry/call-recorder.js';
import { instrumentedCall, type CallAdapter, type StartedCall } from '../telemetry/instrumented-call.js';
import { resolveTelemetry } from '../telemetry/resolve.js';
import { safely } from '../telemetry/safely.js';
import type { InstrumentOpenAIOptions } from '../types.js';

/** The `instrumentOpenAI` options; `provider` defaults to the AI SDK provider's name (`openrouter.chat` → `openrouter`). */
export type GenOpsMiddlewareOptions = InstrumentOpenAIOptions;

interface ModelLike {
  provider: string;
  modelId: string;
  doGenerate?(options: never): PromiseLike<unknown>;
  doStream?(options: never): PromiseLike<unknown>;
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
  /** A text-delta's text (`textDelta` before the v5 stream protocol). */
  delta?: string;
  textDelta?: string;
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
  // A provider that reported no usage (an OpenAI-compatible stream without `includeUsage`): unknown, not zero.
  const total = (n: UsageLike['inputTokens']) => (typeof n === 'object' ? n?.total : n);
  if (typeof total(input) !== 'number' && typeof total(output) !== 'number') return undefined;
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

/**
 * Passes a stream's parts on as they come, reading its metadata and usage; ends the span when the stream ends. A
 * stream that ends (or is cut) without reported usage records what it consumed, as counted: the prompt the guard
 * reserved for (else the estimate) and the output text that arrived.
 */
function observeStream<P extends StreamPartLike>(
  recorder: CallRecorder,
  budget: StreamBudget | undefined,
  prompt: CallOptionsLike['prompt'],
): TransformStream<P, P> {
  let failure: unknown;
  let finished = false;
  let reported = false;
  let outputTokens = 0;
  const recordCounted = () =>
    recorder.setUsage({
      inputTokens: budget?.reservation.promptTokens ?? estimatePromptTokens(prompt ?? []),
      outputTokens: budget?.outputTokens ?? outputTokens,
    });
  const observe = (part: P) => {
    if (part.type === 'response-metadata')
      recorder.setResponse({
        ...(part.modelId ? { responseModel: part.modelId } : {}),
        ...(part.id ? { responseId: part.id } : {}),
      });
    else if (part.type === 'finish') {
      const usage = usageFromAiSdk(part.usage);
      if (usage) recorder.setUsage(usage);
      reported = !!usage;
    } else if (part.type === 'error') failure = part.error;
  };
  return new TransformStream<P, P>({
    async transform(part, controller) {
      safely('reading a stream part', () => observe(part), undefined);
      if (part.type === 'text-delta') {
        const text = part.delta ?? part.textDelta ?? '';
        outputTokens += textTokens(text);
        // A cut errors this stream: the caller's read rejects, and the model's stream (its request) is cancelled.
        await holdToBudget(budget, text, recorder.team, () => {}).catch((error: unknown) => {
          finished = true;
          safely('counting the stream', recordCounted, undefined);
          recorder.end(error);
          throw error;
        });
      }
      controller.enqueue(part);
    },
    flush() {
      if (finished) return;
      if (!reported) safely('counting the stream', recordCounted, undefined);
      recorder.end(failure);
    },
  });
}

/** Pipes the stream of a `doStream` result through the observer; the span ends with the stream. */
function observedStream<P extends StreamPartLike, S extends { stream: ReadableStream<P> }>(
  result: S,
  recorder: CallRecorder,
  budget: StreamBudget | undefined,
  prompt: CallOptionsLike['prompt'],
): S {
  try {
    return { ...result, stream: result.stream.pipeThrough(observeStream<P>(recorder, budget, prompt)) };
  } catch (error) {
    safely('observing the stream', () => recorder.end(error), undefined);
    return result;
  }
}

/** One model call of the AI SDK as the shared call wrapper (instrumented-call.ts) drives it. */
function callAdapter(
  telemetry: ReturnType<typeof resolveTelemetry>,
  options: GenOpsMiddlewareOptions,
  model: ModelLike,
  streaming: boolean,
): CallAdapter<StartedCall> {
  return {
    start: (params) => ({ recorder: startRecorder(telemetry, options, model, params), params }),
    chat: (params: CallOptionsLike) => ({
      model: model.modelId,
      stream: streaming,
      ...(model.provider.startsWith('anthropic') ? { priceModel: anthropicCatalogModel(model.modelId) } : {}),
      messages: params.prompt ?? [],
      ...(typeof params.maxOutputTokens === 'number' ? { maxOutputTokens: params.maxOutputTokens } : {}),
    }),
    capOutput: (params, maxTokens) => ({ ...params, maxOutputTokens: maxTokens }),
    observe: (settled, { recorder, streamBudget, params }) => {
      if (streaming)
        return settled.then(
          (result) =>
            observedStream(
              result as { stream: ReadableStream<StreamPartLike> },
              recorder,
              streamBudget,
              (params as CallOptionsLike).prompt,
            ),
          (error: unknown) => {
            recorder.end(error);
            throw error;
          },
        );
      settled.then(
        (result) => {
          safely(
            'reading the result',
            () => readGenerateResult(recorder, model, result as GenerateResultLike),
            undefined,
          );
          recorder.end();
        },
        (error: unknown) => recorder.end(error),
      );
      return undefined;
    },
  };
}

export function genopsMiddleware(options: GenOpsMiddlewareOptions = {}) {
  const telemetry = resolveTelemetry(options);
  // The SDK's `doGenerate`/`doStream` take no params: when the guard capped the call's output, the model itself is
  // called with the capped params (what `doGenerate` does with the original ones).
  const call = <T>(model: ModelLike, streaming: boolean, params: CallOptionsLike, run: DoCall<T>) =>
    instrumentedCall(
      (sent) => {
        const direct = streaming ? model.doStream : model.doGenerate;
        return sent === params || !direct ? run() : direct.call(model, sent as never);
      },
      callAdapter(telemetry, options, model, streaming),
      options.budgetGuard,
    )(params as Record<string, unknown>) as Promise<T>;

  // Generic in the SDK's own result and stream part types, so the middleware is the SDK's `LanguageModelMiddleware`
  // to TypeScript (`wrapLanguageModel({ model, middleware: genopsMiddleware() })` type-checks) and returns them as is.
  return {
    wrapGenerate<R extends GenerateResultLike>({
      doGenerate,
      params,
      model,
    }: {
      doGenerate: DoCall<R>;
      params: CallOptionsLike;
      model: ModelLike;
    }): Promise<R> {
      return call(model, false, params, doGenerate);
    },

    wrapStream<P extends StreamPartLike, S extends { stream: ReadableStream<P> }>({
      doStream,
      params,
      model,
    }: {
      doStream: DoCall<S>;
      params: CallOptionsLike;
      model: ModelLike;
    }): Promise<S> {
      return call(model, true, params, doStream);
    },
  };
}
