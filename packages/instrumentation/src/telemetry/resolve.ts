// Turns user-facing telemetry options into what a call recorder needs, defaults applied once.
import { trace, type MeterProvider, type Tracer } from '@opentelemetry/api';
import { attributionFromEnv, resolveAttribution } from '../context.js';
import { PriceCatalog } from '@genops/pricing';
import { INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION } from '@genops/semconv';
import type { GenOpsAttribution, TelemetryOptions } from '../types.js';

export interface ResolvedTelemetry {
  readonly tracer: Tracer;
  /** Undefined: the global meter provider at the time of each call. */
  readonly meterProvider: MeterProvider | undefined;
  readonly catalog: PriceCatalog;
  readonly captureContent: boolean;
  readonly redact: ((text: string, kind: 'input' | 'output') => string) | undefined;
  /** The attribution in force right now (context over defaults over environment). */
  attribution(): GenOpsAttribution;
}

export function resolveTelemetry(options: TelemetryOptions = {}): ResolvedTelemetry {
  const defaults = options.defaults ?? {};
  const fromEnv = attributionFromEnv(options.env ?? process.env);
  // A tracer from the global API is a proxy: it follows a provider registered later by setupGenOps.
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(
    INSTRUMENTATION_SCOPE,
    INSTRUMENTATION_VERSION,
  );
  return {
    tracer,
    meterProvider: options.meterProvider,
    catalog: options.priceCatalog ?? PriceCatalog.bundled(),
    captureContent: options.captureContent === true,
    redact: options.redact,
    attribution: () => resolveAttribution(defaults, fromEnv),
  };
}
