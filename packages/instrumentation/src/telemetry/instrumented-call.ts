// The one call wrapper every SDK wrapper uses: the span around the SDK's own method, BudgetGuard before the call,
// the result observed without being changed. What differs per SDK (how a call starts its span, what it is
// estimated at, how its result or stream is read) is a small adapter.
import { context as otelContext } from '@opentelemetry/api';
import { admitCall } from '../budget/admit-call.js';
import type { BudgetGuard, CallEstimate } from '../budget/budget-guard.js';
import type { CallRecorder } from './call-recorder.js';
import { safely } from './safely.js';

/** An SDK method as it is called: `create(params, requestOptions)`. */
export type CreateFn = (this: unknown, params: Record<string, unknown>, options?: unknown) => unknown;

/** A started call: its span, and the params to send (an adapter may add what it needs, e.g. `include_usage`). */
export interface StartedCall {
  recorder: CallRecorder;
  params: Record<string, unknown>;
}

export interface CallAdapter<S extends StartedCall> {
  start(params: Record<string, unknown>): S;
  /** The model and what the call may cost, for BudgetGuard. */
  estimate(params: Record<string, unknown>): { model: string; estimate: () => CallEstimate };
  /** Reads the result (a promise of the response or of a stream) and ends the span; never changes it. */
  observe(result: unknown, call: S): void;
}

/** The SDK's promise extras a guarded call keeps (they wait for the admission too). */
const PROMISE_EXTRAS = ['withResponse', 'asResponse'] as const;

/**
 * Admits, then calls. Returns a promise of the SDK's result that keeps its promise's extras (`.withResponse()`,
 * `.asResponse()` of the openai and Anthropic SDKs): the call itself is made only once admitted.
 */
function guardedCall<S extends StartedCall>(
  guard: BudgetGuard,
  adapter: CallAdapter<S>,
  started: S,
  params: Record<string, unknown>,
  call: () => unknown,
): Promise<unknown> {
  const { model, estimate } = adapter.estimate(params);
  // Boxed, so the SDK's promise is not awaited here: its extras stay callable.
  const made = admitCall(guard, started.recorder, model, estimate).then((admitted) => {
    const release = () => admitted.reservationId && void guard.release(admitted.reservationId);
    let sdkPromise: unknown;
    try {
      sdkPromise = call();
    } catch (error) {
      release();
      throw error;
    }
    safely('observing the call', () => adapter.observe(sdkPromise, started), undefined);
    Promise.resolve(sdkPromise).catch(release);
    return { sdkPromise };
  });
  const result = made.then(({ sdkPromise }) => sdkPromise);
  for (const extra of PROMISE_EXTRAS)
    Object.defineProperty(result, extra, {
      value: () => made.then(({ sdkPromise }) => (sdkPromise as Record<string, () => unknown>)[extra]!()),
    });
  return result;
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
    safely('observing the call', () => adapter.observe(result, started), undefined);
    return result;
  };
}
