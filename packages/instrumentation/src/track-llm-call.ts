// Instrument any LLM client: one span and the GenOps metrics around a callback.
import { context } from '@opentelemetry/api';
import { CallRecorder } from './telemetry/call-recorder.js';
import { resolveTelemetry } from './telemetry/resolve.js';
import { safely } from './telemetry/safely.js';
import type { LLMCall, LLMCallMeta, TelemetryOptions } from './types.js';

/** A call handle that records nothing: used when the instrumentation itself cannot start. */
const NOOP_CALL: LLMCall = { setUsage() {}, setResponse() {}, setReservation() {} };

/**
 * Runs `fn` as one LLM call of `meta.model`. Report tokens (and what else the API said) through the handle; the
 * span ends when `fn` settles. `fn`'s result or error is returned unchanged.
 */
export async function trackLLMCall<T>(
  meta: LLMCallMeta,
  fn: (call: LLMCall) => Promise<T> | T,
  options: TelemetryOptions = {},
): Promise<T> {
  const recorder = safely(
    'starting the LLM span',
    () => new CallRecorder(resolveTelemetry(options), meta),
    undefined,
  );
  if (!recorder) return fn(NOOP_CALL);
  const guarded: LLMCall = {
    setUsage: (usage) => safely('setUsage', () => recorder.setUsage(usage), undefined),
    setResponse: (info) => safely('setResponse', () => recorder.setResponse(info), undefined),
    setReservation: (id) => safely('setReservation', () => recorder.setReservation(id), undefined),
  };
  let result: T;
  try {
    result = await context.with(recorder.context, () => fn(guarded));
  } catch (error) {
    recorder.end(error);
    throw error;
  }
  recorder.end();
  return result;
}
