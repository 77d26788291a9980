// The OTLP JSON span shape the decoder reads, declared once as zod schemas, with `isSpan` — the same check written
// for the hot path — proven equal to `Span.safeParse` by a property test (test/decode/otlp-span.test.ts).
import { z } from 'zod';

const AnyValue = z
  .object({
    stringValue: z.string().optional(),
    intValue: z.union([z.string(), z.number()]).optional(),
    doubleValue: z.union([z.number(), z.string()]).optional(),
    boolValue: z.boolean().optional(),
  })
  .passthrough();
const KeyValue = z.object({ key: z.string(), value: AnyValue.optional() });
const UnixNano = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]);
export const Span = z.object({
  traceId: z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex digits'),
  spanId: z.string().regex(/^[0-9a-fA-F]{16}$/, 'must be 16 hex digits'),
  name: z.string().optional(),
  startTimeUnixNano: UnixNano,
  endTimeUnixNano: UnixNano,
  attributes: z.array(KeyValue).optional(),
  status: z.object({ code: z.union([z.number(), z.string()]).optional() }).optional(),
});
export const TracesData = z.object({
  resourceSpans: z.array(
    z.object({
      resource: z.object({ attributes: z.array(KeyValue).optional() }).optional(),
      scopeSpans: z.array(z.object({ spans: z.array(z.unknown()).optional() })).optional(),
    }),
  ),
});

export type Attrs = Map<string, z.infer<typeof AnyValue>>;
export type SpanShape = z.infer<typeof Span>;

const HEX32 = /^[0-9a-fA-F]{32}$/;
const HEX16 = /^[0-9a-fA-F]{16}$/;
const DIGITS = /^\d+$/;

const isUnixNano = (v: unknown) =>
  typeof v === 'string' ? DIGITS.test(v) : typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** zod's `z.number()`: a number, neither NaN nor infinite (JSON carries neither; a caller's object might). */
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function isAnyValue(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return (
    (o.stringValue === undefined || typeof o.stringValue === 'string') &&
    (o.intValue === undefined || typeof o.intValue === 'string' || isFiniteNumber(o.intValue)) &&
    (o.doubleValue === undefined || isFiniteNumber(o.doubleValue) || typeof o.doubleValue === 'string') &&
    (o.boolValue === undefined || typeof o.boolValue === 'boolean')
  );
}

/**
 * The `Span` schema as a plain check, for the hot path (a processor decodes tens of thousands of spans a second):
 * true exactly when `Span.safeParse` would succeed; a span it rejects goes through zod for the error message.
 */
export function isSpan(raw: unknown): raw is SpanShape {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const s = raw as Record<string, unknown>;
  if (typeof s.traceId !== 'string' || !HEX32.test(s.traceId)) return false;
  if (typeof s.spanId !== 'string' || !HEX16.test(s.spanId)) return false;
  if (s.name !== undefined && typeof s.name !== 'string') return false;
  if (!isUnixNano(s.startTimeUnixNano) || !isUnixNano(s.endTimeUnixNano)) return false;
  if (s.attributes !== undefined) {
    if (!Array.isArray(s.attributes)) return false;
    for (const kv of s.attributes as unknown[]) {
      if (typeof kv !== 'object' || kv === null || Array.isArray(kv)) return false;
      const { key, value } = kv as Record<string, unknown>;
      if (typeof key !== 'string' || (value !== undefined && !isAnyValue(value))) return false;
    }
  }
  if (s.status !== undefined) {
    if (typeof s.status !== 'object' || s.status === null || Array.isArray(s.status)) return false;
    const code = (s.status as Record<string, unknown>).code;
    if (code !== undefined && !isFiniteNumber(code) && typeof code !== 'string') return false;
  }
  return true;
}

/** A zod error as one line: each issue's path and message. */
export function zodReason(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
