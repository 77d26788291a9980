// Wraps the official `@anthropic-ai/sdk` client's messages.create (plain and streaming, which `messages.stream()`
// also goes through): one span and the GenOps metrics per call, priced with Anthropic's cache-write and cache-read
// prices, with BudgetGuard in front when given. The caller's call keeps its exact behaviour.
import type { TokenUsage } from '@genops/pricing';
import * as A from '@genops/semconv';
import { CallRecorder } from '../telemetry/call-recorder.js';
import { resolveTelemetry, type ResolvedTelemetry } from '../telemetry/resolve.js';
import { instrumentedCall, type CreateFn, type StartedCall } from '../telemetry/instrumented-call.js';
import { safely } from '../telemetry/safely.js';
import { observeStreamIterator } from '../telemetry/stream-iterator.js';
import { holdToBudget, type StreamBudget } from '../budget/stream-budget.js';
import { StreamCutError } from '../errors.js';
import type { InstrumentOpenAIOptions } from '../types.js';

const INSTRUMENTED = Symbol.for('genops.instrumented');

/** Options for `instrumentAnthropic`: the same as `instrumentOpenAI`'s (`provider` defaults to `anthropic`). */
export type InstrumentAnthropicOptions = InstrumentOpenAIOptions;

/** Anthropic's usage object (Message.usage, and the usage of message_start / message_delta stream events). */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number } | null;
  server_tool_use?: { web_search_requests?: number } | null;
  service_tier?: string | null;
}

interface AnthropicMessage {
  id?: string;
  model?: string;
  content?: unknown;
  usage?: AnthropicUsage | null;
}

interface StreamEvent {
  type?: string;
  message?: AnthropicMessage;
  usage?: AnthropicUsage | null;
  delta?: { type?: string; text?: string };
}

/**
 * Anthropic's usage as priced. Anthropic's `input_tokens` excludes cached tokens; GenOps counts the whole prompt, so
 * input = input + cache writes + cache reads. Writes split into 5-minute and 1-hour where the API says so.
 */
export function usageFromAnthropic(usage: AnthropicUsage | null | undefined): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);
  const writes = n(usage.cache_creation_input_tokens);
  const writes1h = Math.min(writes, n(usage.cache_creation?.ephemeral_1h_input_tokens));
  const reads = n(usage.cache_read_input_tokens);
  return {
    inputTokens: n(usage.input_tokens) + writes + reads,
    outputTokens: n(usage.output_tokens),
    cacheReadTokens: reads,
    cacheWriteTokens: writes - writes1h,
    cacheWrite1hTokens: writes1h,
    webSearches: n(usage.server_tool_use?.web_search_requests),
    ...(usage.service_tier ? { serviceTier: usage.service_tier } : {}),
  };
}

/**
 * The catalog id of an Anthropic API model: `claude-sonnet-4-5-20250929` → `anthropic/claude-sonnet-4.5` (the
 * OpenRouter-style ids the price tables use: vendor prefix, no date, a dot in the version).
 */
export function anthropicCatalogModel(model: string): string {
  const bare = model
    .replace(/^anthropic\//, '')
    .replace(/-\d{8}$/, '')
    .replace(/-latest$/, '')
    .replace(/-(\d)-(\d)(?=$|-)/, '-$1.$2');
  return `anthropic/${bare}`;
}

function textParts(content: unknown): unknown[] {
  if (typeof content === 'string') return [content];
  return Array.isArray(content) ? content : [];
}

/** The request as chat messages (the system prompt first) for BudgetGuard's prompt-token estimate. */
function chatMessages(params: Record<string, unknown>): { role: string; content: unknown }[] {
  const messages = Array.isArray(params.messages)
    ? (params.messages as { role: string; content: unknown }[])
    : [];
  return params.system ? [{ role: 'system', content: params.system }, ...messages] : messages;
}

interface Settings {
  telemetry: ResolvedTelemetry;
  provider: string;
  serverAddress: string | undefined;
  options: InstrumentAnthropicOptions;
}

function startCall(settings: Settings, params: Record<string, unknown>): CallRecorder {
  const requestAttributes: Record<string, number> = {};
  if (typeof params.max_tokens === 'number')
    requestAttributes[A.ATTR_GEN_AI_REQUEST_MAX_TOKENS] = params.max_tokens;
  if (typeof params.temperature === 'number')
    requestAttributes[A.ATTR_GEN_AI_REQUEST_TEMPERATURE] = params.temperature;
  const recorder = new CallRecorder(
    settings.telemetry,
    {
      provider: settings.provider,
      model: String(params.model),
      priceAs: anthropicCatalogModel,
      operation: 'chat',
      ...(settings.serverAddress ? { serverAddress: settings.serverAddress } : {}),
    },
    requestAttributes,
  );
  recorder.captureContent('input', chatMessages(params));
  return recorder;
}

function finishMessage(recorder: CallRecorder, message: AnthropicMessage): void {
  recorder.setResponse({
    ...(message.model ? { responseModel: message.model } : {}),
    ...(message.id ? { responseId: message.id } : {}),
  });
  const usage = usageFromAnthropic(message.usage);
  if (usage) recorder.setUsage(usage);
  recorder.captureContent('output', textParts(message.content));
}

async function* observeEvents(
  source: AsyncIterator<StreamEvent>,
  recorder: CallRecorder,
  budget: StreamBudget | undefined,
  abort: () => void,
): AsyncGenerator<StreamEvent> {
  const message: AnthropicMessage = {};
  const usage: AnthropicUsage = {};
  let text = '';
  let failure: unknown;
  try {
    for (let next = await source.next(); !next.done; next = await source.next()) {
      const event = next.value;
      safely(
        'reading a stream event',
        () => {
          if (event.type === 'message_start' && event.message) {
            message.id = event.message.id;
            message.model = event.message.model;
            Object.assign(usage, event.message.usage ?? {});
          } else if (event.type === 'message_delta' && event.usage) {
            // Cumulative counts: the last message_delta has the final output tokens (and server tool use).
            for (const [key, value] of Object.entries(event.usage))
              if (value !== null) Object.assign(usage, { [key]: value });
          } else if (event.type === 'content_block_delta' && event.delta?.type === 'text_delta') {
            text += event.delta.text ?? '';
          }
        },
        undefined,
      );
      if (event.type === 'content_block_delta')
        await holdToBudget(budget, event.delta?.text ?? '', recorder.team, abort);
      yield event;
    }
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    if (failure === undefined) await source.return?.();
    // Cut before the last message_delta: the output consumed, as counted.
    if (failure instanceof StreamCutError && budget) {
      usage.output_tokens = budget.outputTokens;
      usage.input_tokens ??= budget.reservation.promptTokens;
    }
    safely(
      'summarising the stream',
      () => finishMessage(recorder, { ...message, usage, content: [text] }),
      undefined,
    );
    recorder.end(failure);
  }
}

function observe(result: unknown, call: StartedCall, streaming: boolean): void {
  const { recorder, streamBudget } = call;
  Promise.resolve(result).then(
    (value) => {
      if (streaming) {
        // The SDK's Stream aborts its request through its controller.
        const abort = () => (value as { controller?: AbortController }).controller?.abort();
        safely(
          'observing the stream',
          () =>
            observeStreamIterator<StreamEvent>(value, (source) =>
              observeEvents(source, recorder, streamBudget, abort),
            ),
          undefined,
        );
        return;
      }
      safely('reading the message', () => finishMessage(recorder, value as AnthropicMessage), undefined);
      recorder.end();
    },
    (error: unknown) => recorder.end(error),
  );
}

/** `messages.create` with a span and the GenOps metrics around `original` (instrumented-call.ts). */
function instrumentedCreate(original: CreateFn, settings: Settings): CreateFn {
  const guard = settings.options.budgetGuard;
  return instrumentedCall<StartedCall>(
    original,
    {
      start: (params) => ({ recorder: startCall(settings, params), params }),
      chat: (params) => ({
        model: String(params.model),
        stream: params.stream === true,
        priceModel: anthropicCatalogModel(String(params.model)),
        messages: chatMessages(params),
        ...(typeof params.max_tokens === 'number' ? { maxOutputTokens: params.max_tokens } : {}),
      }),
      capOutput: (params, maxTokens) => ({ ...params, max_tokens: maxTokens }),
      observe: (result, call) => observe(result, call, call.params.stream === true),
    },
    guard,
  );
}

/**
 * Instruments an `@anthropic-ai/sdk` client in place and returns it: `messages.create` (and `messages.stream()`,
 * which calls it) gets a span and the GenOps metrics per call, priced from the catalog with Anthropic's cache
 * prices; with `budgetGuard`, a BLOCKED decision throws BudgetExceededError before Anthropic is called.
 */
export function instrumentAnthropic<C extends object>(
  client: C,
  options: InstrumentAnthropicOptions = {},
): C {
  const messages = (client as { messages?: { create?: CreateFn; [INSTRUMENTED]?: boolean } }).messages;
  if (!messages || typeof messages.create !== 'function')
    throw new TypeError('instrumentAnthropic: expected an @anthropic-ai/sdk client with messages.create');
  if (Object.prototype.hasOwnProperty.call(messages, INSTRUMENTED)) return client;
  let serverAddress: string | undefined;
  try {
    serverAddress = new URL(String((client as { baseURL?: string }).baseURL)).hostname;
  } catch {
    serverAddress = undefined;
  }
  messages.create = instrumentedCreate(messages.create.bind(messages) as CreateFn, {
    telemetry: resolveTelemetry(options),
    provider: options.provider ?? 'anthropic',
    serverAddress,
    options,
  });
  Object.defineProperty(messages, INSTRUMENTED, { value: true });
  return client;
}
