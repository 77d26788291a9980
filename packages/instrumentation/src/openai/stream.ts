// Observes a streamed chat completion chunk by chunk, handing the caller exactly the chunks it asked for.
import type { CallRecorder } from '../telemetry/call-recorder.js';
import { holdToBudget, type StreamBudget } from '../budget/stream-budget.js';
import { safely } from '../telemetry/safely.js';
import { observeStreamIterator } from '../telemetry/stream-iterator.js';
import { responseInfo, usageFromWire, type RequestedRouting, type WireUsage } from './openrouter.js';

interface WireChunk {
  id?: string;
  model?: string;
  provider?: string;
  service_tier?: string | null;
  usage?: WireUsage | null;
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
}

/** What the stream observer needs to know about the request. */
export interface StreamObservation {
  recorder: CallRecorder;
  requestedModel: string;
  routing: RequestedRouting;
  /** We added `stream_options.include_usage`: hide the usage-only chunk and the `usage: null` fields. */
  injectedUsage: boolean;
  /** Under a hard budget: the reservation the stream is held to. */
  budget?: StreamBudget;
}

/** Accumulates what the chunks say; pure apart from the final recorder calls. */
class StreamSummary {
  private last: WireChunk = {};
  private usage: WireChunk['usage'];
  private readonly finishReasons: string[] = [];
  private content = '';

  add(chunk: WireChunk): void {
    if (chunk.id) this.last.id = chunk.id;
    if (chunk.model) this.last.model = chunk.model;
    if (chunk.provider) this.last.provider = chunk.provider;
    if (chunk.service_tier) this.last.service_tier = chunk.service_tier;
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of chunk.choices ?? []) {
      if (choice.finish_reason) this.finishReasons.push(choice.finish_reason);
      if (choice.delta?.content) this.content += choice.delta.content;
    }
  }

  get hasUsage(): boolean {
    return !!this.usage;
  }

  report(observation: StreamObservation): void {
    const { recorder } = observation;
    const body = {
      ...this.last,
      usage: this.usage,
      choices: this.finishReasons.map((finish_reason) => ({ finish_reason })),
    };
    recorder.setResponse(responseInfo(body, observation.requestedModel, observation.routing));
    const usage = usageFromWire(this.usage, this.last.service_tier);
    if (usage) recorder.setUsage(usage);
    recorder.captureContent('output', [{ role: 'assistant', content: this.content }]);
  }
}

function isUsageOnly(chunk: WireChunk): boolean {
  return Array.isArray(chunk.choices) && chunk.choices.length === 0 && !!chunk.usage;
}

const chunkText = (chunk: WireChunk) => (chunk.choices ?? []).map((c) => c.delta?.content ?? '').join('');

async function* observeChunks(
  source: AsyncIterator<WireChunk>,
  observation: StreamObservation,
  abort: () => void,
): AsyncGenerator<WireChunk> {
  const summary = new StreamSummary();
  const { budget } = observation;
  let failure: unknown;
  try {
    for (let next = await source.next(); !next.done; next = await source.next()) {
      const chunk = next.value;
      safely('reading a stream chunk', () => summary.add(chunk), undefined);
      await holdToBudget(budget, chunkText(chunk), observation.recorder.team, abort);
      if (observation.injectedUsage) {
        if (isUsageOnly(chunk)) continue;
        if (chunk.usage === null) delete chunk.usage;
      }
      yield chunk;
    }
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    // Also reached when the caller stops early (break): the call is over either way.
    if (failure === undefined) await source.return?.();
    safely('summarising the stream', () => summary.report(observation), undefined);
    // Cut (or broken off) before the provider reported usage: what was consumed, as counted.
    if (budget && !summary.hasUsage)
      safely(
        'counting the stream',
        () =>
          observation.recorder.setUsage({
            inputTokens: budget.reservation.promptTokens,
            outputTokens: budget.outputTokens,
          }),
        undefined,
      );
    observation.recorder.end(failure);
  }
}

/** Makes `stream` (the SDK's Stream object) yield through the observer, its API intact. */
export function observeStream(stream: unknown, observation: StreamObservation): void {
  // The SDK's Stream aborts its request through its controller.
  const abort = () => (stream as { controller?: AbortController }).controller?.abort();
  observeStreamIterator<WireChunk>(stream, (source) => observeChunks(source, observation, abort));
}
