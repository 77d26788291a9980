// Wraps the official `openai` SDK's chat.completions.create: one span and the GenOps metrics per call.
import * as A from '@genops/semconv';
import type { BudgetGuard } from '../budget/budget-guard.js';
import { CallRecorder } from '../telemetry/call-recorder.js';
import { resolveTelemetry, type ResolvedTelemetry } from '../telemetry/resolve.js';
import { instrumentedCall, type CreateFn } from '../telemetry/instrumented-call.js';
import { safely } from '../telemetry/safely.js';
import type { InstrumentOpenAIOptions } from '../types.js';
import { requestedRouting, responseInfo, usageFromWire, type WireResponse } from './openrouter.js';
import { observeStream, type StreamObservation } from './stream.js';
import type { ChatRequest } from '../budget/admit-call.js';
import type { StreamBudget } from '../budget/stream-budget.js';

const INSTRUMENTED = Symbol.for('genops.instrumented');

export type { CreateFn };

interface OpenAILike {
  baseURL?: string;
  chat?: { completions?: { create?: CreateFn; [INSTRUMENTED]?: boolean } };
}

interface PreparedCall {
  recorder: CallRecorder;
  params: Record<string, unknown>;
  streamBudget?: StreamBudget;
  observation: StreamObservation;
  streaming: boolean;
}

function hostOf(baseURL: string | undefined): string | undefined {
  if (!baseURL) return undefined;
  try {
    return new URL(baseURL).hostname;
  } catch {
    return undefined;
  }
}

function prepare(
  telemetry: ResolvedTelemetry,
  provider: string,
  serverAddress: string | undefined,
  params: Record<string, unknown>,
): PreparedCall {
  const model = String(params.model);
  const requestAttributes: Record<string, number> = {};
  if (typeof params.max_tokens === 'number')
    requestAttributes[A.ATTR_GEN_AI_REQUEST_MAX_TOKENS] = params.max_tokens;
  if (typeof params.max_completion_tokens === 'number') {
    requestAttributes[A.ATTR_GEN_AI_REQUEST_MAX_TOKENS] = params.max_completion_tokens;
  }
  if (typeof params.temperature === 'number')
    requestAttributes[A.ATTR_GEN_AI_REQUEST_TEMPERATURE] = params.temperature;
  const recorder = new CallRecorder(
    telemetry,
    { provider, model, operation: 'chat', ...(serverAddress ? { serverAddress } : {}) },
    requestAttributes,
  );
  recorder.captureContent('input', params.messages);
  const streaming = params.stream === true;
  const streamOptions = params.stream_options as { include_usage?: boolean } | undefined;
  const injectedUsage = streaming && streamOptions?.include_usage === undefined;
  const sent = injectedUsage
    ? { ...params, stream_options: { ...streamOptions, include_usage: true } }
    : params;
  const routing = requestedRouting(params);
  return {
    recorder,
    params: sent,
    streaming,
    observation: { recorder, requestedModel: model, routing, injectedUsage },
  };
}

function observe(result: Promise<unknown>, call: PreparedCall): void {
  const { recorder, observation } = call;
  Promise.resolve(result).then(
    (value) => {
      if (call.streaming) {
        safely(
          'observing the stream',
          () => observeStream(value, { ...observation, budget: call.streamBudget }),
          undefined,
        );
        return;
      }
      safely(
        'reading the completion',
        () => {
          const body = value as WireResponse;
          recorder.setResponse(responseInfo(body, observation.requestedModel, observation.routing));
          const usage = usageFromWire(body.usage, body.service_tier);
          if (usage) recorder.setUsage(usage);
          recorder.captureContent(
            'output',
            (body.choices ?? []).map((c) => c.message),
          );
        },
        undefined,
      );
      recorder.end();
    },
    (error: unknown) => recorder.end(error),
  );
}

const optionalCap = (n: unknown) => (typeof n === 'number' ? { maxOutputTokens: n } : {});

/**
 * The request's output cap: the one the caller set; else `max_completion_tokens` on OpenAI (its reasoning models take
 * no `max_tokens`) and `max_tokens` elsewhere (OpenRouter and the OpenAI-compatible APIs).
 */
function capParameter(params: Record<string, unknown>, provider: string): string {
  if (params.max_completion_tokens !== undefined) return 'max_completion_tokens';
  if (params.max_tokens !== undefined) return 'max_tokens';
  return provider === 'openai' ? 'max_completion_tokens' : 'max_tokens';
}

/** What an instrumented `create` needs besides the original: resolved once per client. */
export interface CreateSettings {
  telemetry: ResolvedTelemetry;
  provider: string;
  serverAddress: string | undefined;
  budgetGuard: BudgetGuard | undefined;
}

/** The GenOps provider name and server address of a client, from its base URL. */
export function clientTarget(
  baseURL: string | undefined,
  provider: string | undefined,
): Pick<CreateSettings, 'provider' | 'serverAddress'> {
  const serverAddress = hostOf(baseURL);
  return {
    serverAddress,
    provider: provider ?? (serverAddress?.endsWith('openrouter.ai') ? 'openrouter' : 'openai'),
  };
}

/**
 * `chat.completions.create` with a span and the GenOps metrics around `original`, which keeps its exact
 * behaviour (instrumented-call.ts). Used on one client by `instrumentOpenAI` and on the SDK's prototype by the
 * auto-instrumentation.
 */
export function instrumentedCreate(original: CreateFn, settings: CreateSettings): CreateFn {
  const { telemetry, provider, serverAddress, budgetGuard } = settings;
  return instrumentedCall<PreparedCall>(
    original,
    {
      start: (params) => prepare(telemetry, provider, serverAddress, params),
      chat: (params) => ({
        model: String(params.model),
        stream: params.stream === true,
        messages: (params.messages ?? []) as ChatRequest['messages'],
        ...optionalCap(params.max_completion_tokens ?? params.max_tokens),
      }),
      capOutput: (params, maxTokens) => ({ ...params, [capParameter(params, provider)]: maxTokens }),
      observe: (result, call) => observe(result as Promise<unknown>, call),
    },
    budgetGuard,
  );
}

/**
 * Instruments an `openai` SDK client in place and returns it. `chat.completions.create` keeps its exact
 * behaviour (same promise, same result, same errors); each call gets a span and the GenOps metrics.
 */
export function instrumentOpenAI<C extends object>(client: C, options: InstrumentOpenAIOptions = {}): C {
  const completions = (client as OpenAILike).chat?.completions;
  if (!completions || typeof completions.create !== 'function') {
    throw new TypeError('instrumentOpenAI: expected an openai client with chat.completions.create');
  }
  if (isInstrumented(completions)) return client;
  completions.create = instrumentedCreate(completions.create, {
    telemetry: resolveTelemetry(options),
    ...clientTarget((client as OpenAILike).baseURL, options.provider),
    budgetGuard: options.budgetGuard,
  });
  Object.defineProperty(completions, INSTRUMENTED, { value: true });
  return client;
}

/** True when this client's completions were instrumented by `instrumentOpenAI` (their own calls need no more). */
export function isInstrumented(completions: object): boolean {
  return Object.prototype.hasOwnProperty.call(completions, INSTRUMENTED);
}
