// `@genops/setup`: OTel SDK 3 wiring for services that run no SDK of their own — traces and metrics over OTLP gRPC
// with the GenOps views. Its own package, so `@genops/instrumentation` itself needs nothing but `@opentelemetry/api`
// and services on their own SDK (2.x or 3.x) never install a second one.
import { context, metrics, propagation, trace, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import * as A from '@genops/semconv';

export interface SetupGenOpsOptions {
  /** `service.name` of the resource. Required. */
  serviceName: string;
  /** OTLP gRPC endpoint of the collector. Default: OTEL_EXPORTER_OTLP_ENDPOINT, else http://127.0.0.1:4317. */
  endpoint?: string;
  /** Extra resource attributes, e.g. `deployment.environment.name`. */
  resourceAttributes?: Attributes;
  /** How often metrics are exported, in ms. Default 10000. */
  metricExportIntervalMillis?: number;
  /** Most distinct attribute sets kept per GenOps metric before overflow. Default 2000. */
  cardinalityLimit?: number;
  /** Replace the OTLP trace exporter (tests, or another backend). */
  traceExporter?: SpanExporter;
  /** Replace the OTLP metric exporter. */
  metricExporter?: PushMetricExporter;
}

export interface GenOpsHandle {
  readonly tracerProvider: TracerProvider;
  readonly meterProvider: MeterProvider;
  /** Exports everything pending now. */
  forceFlush(): Promise<void>;
  /** Flushes and stops both providers; call before the process exits. */
  shutdown(): Promise<void>;
}

const GENOPS_METRICS = [
  A.METRIC_GENOPS_REQUESTS,
  A.METRIC_GENOPS_REQUEST_DURATION,
  A.METRIC_GENOPS_TOKENS,
  A.METRIC_GENOPS_COST,
  A.METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  A.METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
];

const HISTOGRAM_BUCKETS: Record<string, readonly number[]> = {
  [A.METRIC_GENOPS_REQUEST_DURATION]: A.OPERATION_DURATION_BUCKETS,
  [A.METRIC_GEN_AI_CLIENT_OPERATION_DURATION]: A.OPERATION_DURATION_BUCKETS,
  [A.METRIC_GEN_AI_CLIENT_TOKEN_USAGE]: A.TOKEN_USAGE_BUCKETS,
};

/** Views: semconv buckets on the histograms and a cardinality limit on every GenOps metric. */
export function genopsViews(cardinalityLimit: number): ViewOptions[] {
  return GENOPS_METRICS.map((name) => {
    const buckets = HISTOGRAM_BUCKETS[name];
    return {
      instrumentName: name,
      aggregationCardinalityLimit: cardinalityLimit,
      ...(buckets
        ? {
            aggregation: {
              type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM,
              options: { boundaries: [...buckets] },
            },
          }
        : {}),
    };
  });
}

/**
 * Registers global tracer and meter providers that export to the GenOps collector, an AsyncLocalStorage context
 * manager and the W3C trace-context and baggage propagators (what the SDK 2 `NodeTracerProvider.register()` did).
 */
export function setupGenOps(options: SetupGenOpsOptions): GenOpsHandle {
  if (!options?.serviceName)
    throw new TypeError('setupGenOps: serviceName is required (the service.name resource)');
  const endpoint = options.endpoint ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://127.0.0.1:4317';
  const interval = options.metricExportIntervalMillis ?? 10_000;
  const cardinalityLimit = options.cardinalityLimit ?? 2000;
  if (!(interval > 0)) throw new RangeError('setupGenOps: metricExportIntervalMillis must be > 0');
  if (!(cardinalityLimit > 0)) throw new RangeError('setupGenOps: cardinalityLimit must be > 0');

  const resource = resourceFromAttributes({
    'service.name': options.serviceName,
    ...options.resourceAttributes,
  });
  const tracerProvider = new TracerProvider({
    resource,
    spanProcessors: [
      new BatchSpanProcessor({ exporter: options.traceExporter ?? new OTLPTraceExporter({ url: endpoint }) }),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  trace.setGlobalTracerProvider(tracerProvider);
  const meterProvider = new MeterProvider({
    resource,
    views: genopsViews(cardinalityLimit),
    readers: [
      new PeriodicExportingMetricReader({
        exporter: options.metricExporter ?? new OTLPMetricExporter({ url: endpoint }),
        exportIntervalMillis: interval,
        exportTimeoutMillis: Math.min(interval, 30_000),
      }),
    ],
  });
  metrics.setGlobalMeterProvider(meterProvider);

  return {
    tracerProvider,
    meterProvider,
    async forceFlush() {
      await Promise.all([tracerProvider.forceFlush(), meterProvider.forceFlush()]);
    },
    async shutdown() {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}
