// Cost spans made by the OpenTelemetry SDK itself and serialized by its own OTLP serializers (protobuf and JSON): the
// bytes a collector would pass on, without hand-writing either wire format.
import type { Attributes } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';

export interface SdkCostSpan {
  team: string;
  /** genops.cost.total, reported by the provider. */
  costUsd: number;
  endMs: number;
  attributes?: Attributes;
}

/** One finished `chat deepseek/deepseek-chat` span per entry, each linked to a parent request span (not returned). */
export function sdkCostSpans(specs: readonly SdkCostSpan[]): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('genops-test');
  const parent = tracer.startSpan('request');
  for (const spec of specs) {
    const span = tracer.startSpan('chat deepseek/deepseek-chat', {
      attributes: {
        'genops.team': spec.team,
        'genops.model': 'deepseek/deepseek-chat',
        'genops.provider': 'openrouter',
        'genops.cost.total': spec.costUsd,
        'genops.cost.source': 'reported',
        'genops.tokens.input': 1200,
        'genops.tokens.output': 345,
        ...spec.attributes,
      },
      links: [{ context: parent.spanContext() }],
      startTime: spec.endMs - 250,
    });
    span.end(spec.endMs);
  }
  parent.end();
  // The collector routes only LLM-call spans to the cost topic.
  return exporter.getFinishedSpans().filter((s) => s.name.startsWith('chat '));
}

/** The spans as the collector's Kafka exporter writes them with `encoding: otlp_proto`. */
export const otlpProto = (spans: ReadableSpan[]) =>
  Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);

/** The spans as OTLP JSON. */
export const otlpJson = (spans: ReadableSpan[]) => Buffer.from(JsonTraceSerializer.serializeRequest(spans)!);
