// Small clients for asserting on the real stack: PromQL, Jaeger's query API, the SaaS fakes, Kafka.
import { Consumer } from '@platformatic/kafka';
import { until, type DatadogRecord, type HoneycombRecord } from '@genops/fakes';
import { parseTraces } from '@genops/processor';

/** Waits for `fn` to return something, as the stack's services come up and its pipelines deliver (errors: not yet). */
export const waitFor = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> =>
  until(what, fn, (v) => v !== undefined, { timeoutMs, intervalMs: 500, retryErrors: true }) as Promise<T>;

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export async function promQuery(prometheusUrl: string, query: string): Promise<PromSample[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await response.json()) as { status: string; error?: string; data: { result: PromSample[] } };
  if (body.status !== 'success') throw new Error(`PromQL ${query}: ${body.error}`);
  return body.data.result;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  tags: { key: string; type: string; value: unknown }[];
}

export async function jaegerTrace(jaegerUrl: string, traceId: string): Promise<JaegerSpan[]> {
  const response = await fetch(`${jaegerUrl}/api/traces/${traceId}`);
  if (response.status === 404) return [];
  const body = (await response.json()) as { data?: { spans: JaegerSpan[] }[] };
  return body.data?.[0]?.spans ?? [];
}

export async function honeycombRecords(intakeUrl: string): Promise<HoneycombRecord[]> {
  return (await (await fetch(`${intakeUrl}/honeycomb`)).json()) as HoneycombRecord[];
}

export async function datadogRecords(intakeUrl: string): Promise<DatadogRecord[]> {
  return (await (await fetch(`${intakeUrl}/datadog`)).json()) as DatadogRecord[];
}

/** A span from the cost topic, in the OTLP JSON shape (the collector writes OTLP protobuf; the processor's reader gives both that shape). */
export interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  name: string;
  attributes?: { key: string; value: Record<string, unknown> }[];
}

interface OtlpJsonTraces {
  resourceSpans?: { scopeSpans?: { spans?: OtlpJsonSpan[] }[] }[];
}

export function spansOf(message: Buffer): OtlpJsonSpan[] {
  const parsed = parseTraces(message);
  if ('failure' in parsed)
    throw new Error(`the cost topic holds a message the processor cannot read: ${parsed.failure.reason}`);
  const body = parsed.json as OtlpJsonTraces;
  return (body.resourceSpans ?? []).flatMap((rs) => (rs.scopeSpans ?? []).flatMap((ss) => ss.spans ?? []));
}

export function attr(span: OtlpJsonSpan, key: string): unknown {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value ? Object.values(value)[0] : undefined;
}

/**
 * Reads `topic` from the beginning with a fresh consumer group until `done(spans)` holds, returning every span
 * seen (all partitions).
 */
export async function consumeSpans(
  brokers: string,
  topic: string,
  done: (spans: OtlpJsonSpan[]) => boolean,
  timeoutMs = 90_000,
  /** Counts the messages read by encoding (OTLP protobuf opens with 0x0A, OTLP JSON with `{`). */
  encodings: { protobuf: number; json: number } = { protobuf: 0, json: 0 },
): Promise<OtlpJsonSpan[]> {
  const consumer = new Consumer({
    clientId: 'genops-test',
    bootstrapBrokers: [brokers],
    groupId: `genops-test-${Date.now()}-${Math.random()}`,
  });
  const spans: OtlpJsonSpan[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${spans.length} spans arrived on ${topic} in time`)),
        timeoutMs,
      );
      stream.on('error', reject);
      stream.on('data', (message) => {
        if (!message.value?.length) return;
        encodings[message.value[0] === 0x7b ? 'json' : 'protobuf']++;
        spans.push(...spansOf(message.value));
        if (done(spans)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  return spans;
}

/** Re-checks `problems()` until it returns none; failing, the error lists exactly what is still wrong. */
export const settle = (problems: () => Promise<string[]>, timeoutMs = 60_000): Promise<string[]> =>
  until('no problems left', problems, (found) => found.length === 0, { timeoutMs, intervalMs: 1000 });
