// Builds OTLP JSON cost-span messages exactly as the collector's kafka exporter writes them.
import { randomBytes } from 'node:crypto';

export interface SyntheticSpan {
  traceId?: string;
  spanId?: string;
  team?: string;
  project?: string;
  customer?: string;
  model?: string;
  provider?: string;
  servedProvider?: string;
  /** USD; a whole number is written as intValue like the SDK does. */
  costUsd?: number;
  inputTokens?: number;
  outputTokens?: number;
  endMs?: number;
  durationMs?: number;
  error?: boolean;
  reservationId?: string;
  /** genops.cost.upstream, USD (OpenRouter BYOK: the provider's part of the cost). */
  upstreamUsd?: number;
  /** genops.cost.source; default reported. */
  costSource?: string;
  /** genops.openrouter.generation_id */
  generationId?: string;
  /** genops.openrouter.fallback_used (a boolean attribute, as the instrumentation writes it) */
  fallback?: boolean;
}

export function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function value(v: string | number | boolean): Record<string, unknown> {
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'string') return { stringValue: v };
  return Number.isSafeInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

export function otlpSpan(s: SyntheticSpan): Record<string, unknown> {
  const end = BigInt(s.endMs ?? Date.now()) * 1_000_000n;
  const start = end - BigInt(Math.round((s.durationMs ?? 120) * 1e6));
  const attrs: [string, string | number | boolean | undefined][] = [
    ['genops.team', s.team ?? 'search'],
    ['genops.project', s.project],
    ['genops.customer_id', s.customer],
    ['genops.model', s.model ?? 'deepseek/deepseek-chat'],
    ['genops.provider', s.provider ?? 'openrouter'],
    ['genops.openrouter.actual_provider', s.servedProvider ?? 'DeepInfra'],
    ['genops.cost.total', s.costUsd ?? 0.000021],
    ['genops.cost.source', s.costSource ?? 'reported'],
    ['genops.tokens.input', s.inputTokens ?? 30],
    ['genops.tokens.output', s.outputTokens ?? 10],
    ['error.type', s.error ? '500' : undefined],
    ['genops.budget.reservation_id', s.reservationId],
    ['genops.cost.upstream', s.upstreamUsd],
    ['genops.openrouter.generation_id', s.generationId],
    ['genops.openrouter.fallback_used', s.fallback],
  ];
  return {
    traceId: s.traceId ?? hex(16),
    spanId: s.spanId ?? hex(8),
    name: `chat ${s.model ?? 'deepseek/deepseek-chat'}`,
    kind: 3,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: end.toString(),
    attributes: attrs.filter(([, v]) => v !== undefined).map(([key, v]) => ({ key, value: value(v!) })),
    status: s.error ? { code: 2, message: 'boom' } : {},
  };
}

export function otlpMessage(spans: Record<string, unknown>[]): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'test-service' } }] },
        scopeSpans: [{ scope: { name: '@genops/instrumentation' }, spans }],
      },
    ],
  });
}

/**
 * One span of another instrumentation (attributes as given, no GenOps ones) under a resource with the given
 * attributes, in OTLP JSON as the collector writes it.
 */
export function foreignSpanMessage(
  spanAttributes: [string, string | number][],
  resourceAttributes: [string, string | number][],
): string {
  const kv = ([key, v]: [string, string | number]) => ({ key, value: value(v) });
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: resourceAttributes.map(kv) },
        scopeSpans: [
          {
            spans: [
              {
                traceId: hex(16),
                spanId: hex(8),
                startTimeUnixNano: '1796040000000000000',
                endTimeUnixNano: '1796040000500000000',
                attributes: spanAttributes.map(kv),
              },
            ],
          },
        ],
      },
    ],
  });
}
