// The one call wrapper every SDK wrapper uses: the span around the SDK's own method, BudgetGuard before the call,
// the result observed without being changed. What differs per SDK (how a call starts its span, what it is
// estimated at, how its result or stream is read) is a small adapter.
import { context as otelContext } from '@opentelemetry/api';
import { admitCall, type ChatRequest } from '../budget/admit-call.js';
import type { BudgetGuard } from '../budget/budget-guard.js';
import { StreamBudget } from '../budget/stream-budget.js';
import type { CallRecorder } from './call-recorder.js';
import { isApiPromise, observeOnUse, type Observe } from './observe-on-use.js';
import { safely } from './safely.js';

/** An SDK method as it is called: `create(params, requestOptions)`. */
export type CreateFn = (this: unknown, params: Record<string, unknown>, options?: unknown) => unknown;

/** A started call: its span, and the params to send (an adapter may add what it needs, e.g. `include_usage`). */
export interface StartedCall {
  recorder: CallRecorder;
  params: Record<string, unknown>;
  /** A stream under a hard budget: held to its reservation as it runs (stream-budget.ts). */
  streamBudget?: StreamBudget;
}

export interface CallAdapter<S extends StartedCall> {
  start(params: Record<string, unknown>): S;
  /** The call as BudgetGuard prices it: model, messages, the caller's output cap. */
  chat(params: Record<string, unknown>): ChatRequest;
  /** The params with the output capped at `maxTokens`, in the SDK's own parameter. */
  capOutput(params: Record<string, unknown>, maxTokens: number): Record<string, unknown>;
  /**
   * Reads the settled result (the response, or a stream it wraps to read as the caller iterates) and ends the span.
   * Returns what the caller gets instead of the SDK's result, when it must be another object (the AI SDK's stream
   * piped through an observer); nothing when the result is observed in place.
   */
  observe(settled: PromiseLike<unknown>, call: S): unknown;
}

/** The SDK's promise extras a guarded call keeps (they wait for the admission too). */
const PROMISE_EXTRAS = ['withResponse', 'asResponse'] as const;

/**
 * Observes the SDK's result and returns what the caller gets: an APIPromise is observed on its first use
 * (observe-on-use.ts), so `.asResponse()` still hands over an unread body; anything else at once.
 */
function observed<S extends StartedCall>(
  adapter: CallAdapter<S>,
  started: S,
  result: unknown,
  onFailure: () => void = () => {},
): unknown {
  const observe: Observe = (settled) => adapter.observe(settled, started);
  if (isApiPromise(result)) {
    safely('observing the call', () => observeOnUse(result, observe, onFailure), undefined);
    return result;
  }
  const settled = Promise.resolve(result);
  settled.catch(onFailure);
  return safely('observing the call', () => observe(settled), undefined) ?? result;
}

/**
 * A promise of the guarded call's result that reads it only when used, as the SDK's own promise does: awaiting it
 * awaits the SDK's promise; its extras (`.withResponse()`, `.asResponse()` of the openai and Anthropic SDKs) call the
 * SDK's. The admission and the call itself start at once.
 */
class GuardedResult extends Promise<unknown> {
  static override get [Symbol.species]() {
    return Promise;
  }

  constructor(private readonly made: Promise<{ handed: unknown }>) {
    super((resolve) => resolve(undefined));
    for (const extra of PROMISE_EXTRAS)
      Object.defineProperty(this, extra, {
        value: () => made.then(({ handed }) => (handed as Record<string, () => unknown>)[extra]!()),
      });
  }

  private result(): Promise<unknown> {
    return this.made.then(({ handed }) => handed);
  }

  override then<A = unknown, B = never>(
    onfulfilled?: ((value: unknown) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.result().then(onfulfilled, onrejected);
  }

  override catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<unknown> {
    return this.result().catch(onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<unknown> {
    return this.result().finally(onfinally);
  }
}

/** Admits, then calls: the call itself is made only once admitted. */
function guardedCall<S extends StartedCall>(
  guard: BudgetGuard,
  adapter: CallAdapter<S>,
  started: S,
  params: Record<string, unknown>,
  call: () => unknown,
): Promise<unknown> {
  const made = admitCall(guard, started.recorder, () => adapter.chat(params)).then((admitted) => {
    const cap = admitted.maxOutputTokens;
    if (cap !== undefined) started.params = adapter.capOutput(started.params, cap);
    if (admitted.stream) started.streamBudget = new StreamBudget(guard, admitted.stream);
    const release = () => admitted.reservationId && void guard.release(admitted.reservationId);
    let sdkResult: unknown;
    try {
      sdkResult = call();
    } catch (error) {
      release();
      throw error;
    }
    // Boxed, so the SDK's promise is not awaited here.
    return { handed: observed(adapter, started, sdkResult, release) };
  });
  return new GuardedResult(made);
}

/**
 * The SDK's method with a span and the GenOps metrics around `original`, which keeps its exact behaviour (the same
 * promise, result and errors; with a guard, a promise of the same result with the same extras). Telemetry that
 * fails never breaks the call.
 */
export function instrumentedCall<S extends StartedCall>(
  original: CreateFn,
  adapter: CallAdapter<S>,
  guard: BudgetGuard | undefined,
): CreateFn {
  return function instrumented(this: unknown, params, requestOptions) {
    const started = safely('starting the LLM span', () => adapter.start(params), undefined);
    if (!started) return original.call(this, params, requestOptions);
    const call = () =>
      otelContext.with(started.recorder.context, () => original.call(this, started.params, requestOptions));
    if (guard) return guardedCall(guard, adapter, started, params, call);
    let result: unknown;
    try {
      result = call();
    } catch (error) {
      started.recorder.end(error);
      throw error;
    }
    return observed(adapter, started, result);
  };
}
