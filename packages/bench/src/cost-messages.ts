// Cost-span messages as the collector writes them to the cost topic (OTLP protobuf), made by the OpenTelemetry SDK and
// its own protobuf serializer: random trace ids as SDKs make them, so ledger inserts land all over the identity index,
// as in production.
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

const exporter = new InMemorySpanExporter();
const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }).getTracer(
  'bench',
);

/** One message of `count` cost spans of `team`, ending at `endMs`. */
export function costMessage(team: string, count: number, endMs: number): Buffer {
  exporter.reset();
  for (let i = 0; i < count; i++) {
    const span = tracer.startSpan('chat deepseek/deepseek-chat', {
      startTime: endMs - 100,
      attributes: {
        'genops.team': team,
        'genops.model': 'deepseek/deepseek-chat',
        'genops.provider': 'openrouter',
        'genops.cost.total': 0.000021,
        'genops.cost.source': 'reported',
        'genops.tokens.input': 30,
        'genops.tokens.output': 10,
      },
    });
    span.end(endMs);
  }
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
}
