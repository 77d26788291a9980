// In-memory tracer and meter providers for asserting exactly what the instrumentation emits.
import { context, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  MetricReader,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  TracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';

class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

let contextManagerInstalled = false;

/** One point of a metric, flattened for exact assertions. */
export interface Point {
  attributes: Attributes;
  value: number;
  count?: number;
  boundaries?: number[];
}

export interface TestTelemetry {
  tracerProvider: TracerProvider;
  meterProvider: MeterProvider;
  spans(): ReadableSpan[];
  metrics(): Promise<Map<string, { data: MetricData; points: Point[] }>>;
  reset(): void;
}

export function createTestTelemetry(): TestTelemetry {
  if (!contextManagerInstalled) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManagerInstalled = true;
  }
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    async metrics() {
      const { resourceMetrics } = await reader.collect();
      const out = new Map<string, { data: MetricData; points: Point[] }>();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const data of scope.metrics) {
          const points: Point[] = data.dataPoints.map((dp) => {
            if (data.dataPointType === DataPointType.HISTOGRAM) {
              const h = dp.value as { sum?: number; count: number; buckets: { boundaries: number[] } };
              return {
                attributes: dp.attributes,
                value: h.sum ?? 0,
                count: h.count,
                boundaries: h.buckets.boundaries,
              };
            }
            return { attributes: dp.attributes, value: dp.value as number };
          });
          out.set(data.descriptor.name, { data, points });
        }
      }
      return out;
    },
  };
}
