// Decodes one Kafka message (OTLP JSON, as the collector's kafka exporter writes it) into cost events, and says
// exactly why anything could not be decoded. Pure.
import { z } from 'zod';
import { PriceCatalog, usdToNanoUsd } from '@genops/pricing';
import * as A from '@genops/semconv';
import type { CostEvent } from './cost-event.js';
import { AttributionRules, RULE_FIELDS, type RuleField } from './attribution-rules.js';
import { readForeignLlmCall, type AttributeReader } from './foreign-llm-span.js';
import { canonicalModel, catalogPrice, detailOf, genopsUsage, priceAtIngest } from './ingest-pricing.js';

/** Largest believable cost of one call; above it the number is a bug or an attack, not spend. */
export const MAX_COST_USD = 100_000;
const MAX_TOKENS = 1e12;

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
const Span = z.object({
  traceId: z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex digits'),
  spanId: z.string().regex(/^[0-9a-fA-F]{16}$/, 'must be 16 hex digits'),
  name: z.string().optional(),
  startTimeUnixNano: UnixNano,
  endTimeUnixNano: UnixNano,
  attributes: z.array(KeyValue).optional(),
  status: z.object({ code: z.union([z.number(), z.string()]).optional() }).optional(),
});
const TracesData = z.object({
  resourceSpans: z.array(
    z.object({
      resource: z.object({ attributes: z.array(KeyValue).optional() }).optional(),
      scopeSpans: z.array(z.object({ spans: z.array(z.unknown()).optional() })).optional(),
    }),
  ),
});

type Attrs = Map<string, z.infer<typeof AnyValue>>;
type SpanShape = z.infer<typeof Span>;

const HEX32 = /^[0-9a-fA-F]{32}$/;
const HEX16 = /^[0-9a-fA-F]{16}$/;
const DIGITS = /^\d+$/;

const isUnixNano = (v: unknown) =>
  typeof v === 'string' ? DIGITS.test(v) : typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function isAnyValue(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return (
    (o.stringValue === undefined || typeof o.stringValue === 'string') &&
    (o.intValue === undefined || typeof o.intValue === 'string' || typeof o.intValue === 'number') &&
    (o.doubleValue === undefined || typeof o.doubleValue === 'number' || typeof o.doubleValue === 'string') &&
    (o.boolValue === undefined || typeof o.boolValue === 'boolean')
  );
}

/**
 * The `Span` schema as a plain check, for the hot path (a processor decodes tens of thousands of spans a second):
 * true exactly when `Span.safeParse` would succeed; a span it rejects goes through zod for the error message.
 */
function isSpan(raw: unknown): raw is SpanShape {
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
    if (code !== undefined && typeof code !== 'number' && typeof code !== 'string') return false;
  }
  return true;
}

/** A span (or whole message) that cannot become a cost event, and why. */
export interface DecodeFailure {
  reason: string;
  traceId?: string;
  spanId?: string;
}

export interface DecodedMessage {
  events: CostEvent[];
  failures: DecodeFailure[];
  /** LLM spans that are not one model call (an AI SDK loop, an OpenInference chain): not charged, not failed. */
  skipped: number;
}

function zodReason(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

function str(attrs: Attrs, key: string): string {
  const v = attrs.get(key);
  if (!v) return '';
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.boolValue !== undefined) return String(v.boolValue);
  return '';
}

function tokens(attrs: Attrs, key: string): number {
  const v = attrs.get(key);
  if (!v) return 0;
  const n = Number(v.intValue ?? v.doubleValue);
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_TOKENS)
    throw new Error(`${key} must be a non-negative integer`);
  return n;
}

/** genops.cost.total as exact nano-USD: an int64 string (whole USD) or a double. */
function costNano(attrs: Attrs): bigint {
  const v = attrs.get(A.ATTR_GENOPS_COST_TOTAL);
  if (!v) throw new Error(`${A.ATTR_GENOPS_COST_TOTAL} is missing`);
  if (v.intValue !== undefined) {
    if (!/^-?\d+$/.test(String(v.intValue)))
      throw new Error(`${A.ATTR_GENOPS_COST_TOTAL} intValue is not an integer: ${v.intValue}`);
    const whole = BigInt(String(v.intValue));
    if (whole < 0n || whole > BigInt(MAX_COST_USD))
      throw new Error(`${A.ATTR_GENOPS_COST_TOTAL} out of range: ${whole}`);
    return whole * 1_000_000_000n;
  }
  const usd = typeof v.doubleValue === 'string' ? Number(v.doubleValue) : v.doubleValue;
  if (typeof usd !== 'number' || !Number.isFinite(usd)) {
    throw new Error(
      `${A.ATTR_GENOPS_COST_TOTAL} must be a finite number, got ${JSON.stringify(v.doubleValue ?? v)}`,
    );
  }
  if (usd < 0 || usd > MAX_COST_USD)
    throw new Error(`${A.ATTR_GENOPS_COST_TOTAL} out of range [0, ${MAX_COST_USD}]: ${usd}`);
  return usdToNanoUsd(usd);
}

/** genops.cost.upstream as nano-USD (0 when absent); never more than the total it is part of. */
function upstreamNano(attrs: Attrs, total: bigint): bigint {
  const v = attrs.get(A.ATTR_GENOPS_COST_UPSTREAM);
  if (!v) return 0n;
  const usd = Number(v.doubleValue ?? v.intValue);
  if (!Number.isFinite(usd) || usd < 0 || usd > MAX_COST_USD)
    throw new Error(`${A.ATTR_GENOPS_COST_UPSTREAM} must be a number in [0, ${MAX_COST_USD}]`);
  const nano = usdToNanoUsd(usd);
  if (nano > total)
    throw new Error(`${A.ATTR_GENOPS_COST_UPSTREAM} is more than ${A.ATTR_GENOPS_COST_TOTAL}`);
  return nano;
}

function reader(attrs: Attrs): AttributeReader {
  return {
    str: (key) => str(attrs, key),
    int: (key) => tokens(attrs, key),
    has: (key) => attrs.has(key),
    num: (key) => {
      const v = attrs.get(key);
      if (!v) return undefined;
      const n = Number(v.doubleValue ?? v.intValue);
      if (!Number.isFinite(n) || n < 0 || n > MAX_COST_USD)
        throw new Error(`${key} must be a number in [0, ${MAX_COST_USD}]`);
      return n;
    },
  };
}

const spanTimes = (span: SpanShape) => {
  const endNs = BigInt(span.endTimeUnixNano);
  const startNs = BigInt(span.startTimeUnixNano);
  return {
    endMs: Number(endNs / 1_000_000n),
    durationMs: endNs >= startNs ? Number(endNs - startNs) / 1e6 : 0,
  };
};

/** The team of spend nothing attributes. */
export const UNATTRIBUTED = 'unattributed';

/** Each attributed field, its GenOps attribute, and that attribute in the AI SDK's telemetry metadata. */
const ATTRIBUTION_KEYS: [RuleField, string, string][] = (
  [
    ['team', A.ATTR_GENOPS_TEAM],
    ['project', A.ATTR_GENOPS_PROJECT],
    ['environment', A.ATTR_GENOPS_ENVIRONMENT],
    ['customer', A.ATTR_GENOPS_CUSTOMER_ID],
    ['feature', A.ATTR_GENOPS_FEATURE],
    ['costCenter', A.ATTR_GENOPS_COST_CENTER],
  ] as [RuleField, string][]
).map(([field, key]) => [field, key, `ai.telemetry.metadata.${key}`]);

/**
 * Who pays: GenOps attributes on the span, then the AI SDK's telemetry metadata (`ai.telemetry.metadata.genops.*`),
 * then the resource (`OTEL_RESOURCE_ATTRIBUTES=genops.team=…`); what is still empty from the first matching
 * attribution rule; a team nothing names is `unattributed` (counted, never dropped).
 */
function attribution(attrs: Attrs, resource: Attrs, rules: AttributionRules): Record<RuleField, string> {
  const fields = {} as Record<RuleField, string>;
  for (const [field, key, metadataKey] of ATTRIBUTION_KEYS)
    fields[field] = str(attrs, key) || str(attrs, metadataKey) || str(resource, key);
  fields.environment ||= str(resource, 'deployment.environment.name');
  if (RULE_FIELDS.some((f) => !fields[f])) {
    const fromRules = rules.resolve((key) => str(attrs, key) || str(resource, key));
    for (const field of RULE_FIELDS)
      if (!fields[field] && fromRules[field]) fields[field] = fromRules[field]!;
  }
  if (!fields.team) fields.team = UNATTRIBUTED;
  return fields;
}

/**
 * OpenRouter's generation id: ours, or the response id another instrumentation recorded for a call through
 * OpenRouter (its ids are `gen-…`).
 */
function generationId(attrs: Attrs, provider: string): string {
  const ours = str(attrs, A.ATTR_GENOPS_OPENROUTER_GENERATION_ID);
  if (ours || provider !== 'openrouter') return ours;
  const id = str(attrs, A.ATTR_GEN_AI_RESPONSE_ID) || str(attrs, 'ai.response.id');
  return id.startsWith('gen-') ? id : '';
}

const isErrorSpan = (span: SpanShape, attrs: Attrs) =>
  span.status?.code === 2 || span.status?.code === 'STATUS_CODE_ERROR' || attrs.has(A.ATTR_ERROR_TYPE);

/**
 * A span of another instrumentation (no genops.cost.total): its tokens priced from the catalog at the span's end
 * time (`estimated`), or the cost it reports (`reported`); team and attribution from GenOps attributes on the span
 * or its resource (`OTEL_RESOURCE_ATTRIBUTES=genops.team=search`), else `unattributed`.
 */
function foreignEvent(
  span: SpanShape,
  attrs: Attrs,
  resource: Attrs,
  { catalog, rules }: Required<DecodeOptions>,
): CostEvent | 'skip' {
  const call = readForeignLlmCall(reader(attrs));
  if (call === 'skip') return 'skip';
  if (!call)
    throw new Error(`${A.ATTR_GENOPS_COST_TOTAL} is missing and the span is no LLM call GenOps can price`);
  if (!call.model) throw new Error(`${call.convention} LLM span without a model`);
  const { endMs, durationMs } = spanTimes(span);
  let costNano = 0n;
  let costSource: string = A.COST_SOURCE_UNKNOWN;
  if (call.reportedCostUsd !== undefined) {
    costNano = usdToNanoUsd(call.reportedCostUsd);
    costSource = A.COST_SOURCE_REPORTED;
  } else {
    const estimate = catalogPrice(catalog, call, new Date(endMs));
    if (estimate) {
      costNano = estimate.nanoUsd;
      costSource = A.COST_SOURCE_ESTIMATED;
    } else if (call.localCostUsd !== undefined) {
      costNano = usdToNanoUsd(call.localCostUsd); // the producer's own estimate, for a model we cannot price
      costSource = A.COST_SOURCE_ESTIMATED;
    }
  }
  return {
    traceId: span.traceId.toLowerCase(),
    spanId: span.spanId.toLowerCase(),
    eventTimeMs: endMs,
    ...attribution(attrs, resource, rules),
    experiment: str(attrs, A.ATTR_GENOPS_EXPERIMENT_ID) || str(resource, A.ATTR_GENOPS_EXPERIMENT_ID),
    variant: str(attrs, A.ATTR_GENOPS_VARIANT_ID) || str(resource, A.ATTR_GENOPS_VARIANT_ID),
    ...canonicalModel(catalog, call.model),
    servedModel: call.servedModel,
    provider: call.provider,
    servedProvider: call.provider,
    costNano,
    upstreamNano: 0n,
    costSource,
    inputTokens: call.usage.inputTokens,
    outputTokens: call.usage.outputTokens,
    ...detailOf(call.usage),
    isError: isErrorSpan(span, attrs),
    durationMs,
    reservationId: '',
    generationId: generationId(attrs, call.provider),
  };
}

function toEvent(span: SpanShape, resource: Attrs, options: Required<DecodeOptions>): CostEvent | 'skip' {
  const attrs: Attrs = new Map((span.attributes ?? []).map((kv) => [kv.key, kv.value ?? {}]));
  if (!attrs.has(A.ATTR_GENOPS_COST_TOTAL)) return foreignEvent(span, attrs, resource, options);
  const model = str(attrs, A.ATTR_GENOPS_MODEL) || str(attrs, A.ATTR_GEN_AI_REQUEST_MODEL);
  if (!model) throw new Error(`${A.ATTR_GENOPS_MODEL} is missing`);
  const provider = str(attrs, A.ATTR_GENOPS_PROVIDER) || str(attrs, A.ATTR_GEN_AI_PROVIDER_NAME) || 'unknown';
  const { endMs, durationMs } = spanTimes(span);
  const servedModel = str(attrs, A.ATTR_GEN_AI_RESPONSE_MODEL) || model;
  const identity = canonicalModel(options.catalog, model);
  const sent = { costNano: costNano(attrs), costSource: str(attrs, A.ATTR_GENOPS_COST_SOURCE) || 'unknown' };
  const usage = genopsUsage(reader(attrs));
  const price = priceAtIngest(options.catalog, { model, servedModel, usage, endMs }, sent);
  return {
    traceId: span.traceId.toLowerCase(),
    spanId: span.spanId.toLowerCase(),
    eventTimeMs: endMs,
    ...attribution(attrs, resource, options.rules),
    experiment: str(attrs, A.ATTR_GENOPS_EXPERIMENT_ID),
    variant: str(attrs, A.ATTR_GENOPS_VARIANT_ID),
    ...identity,
    servedModel,
    provider,
    servedProvider: str(attrs, A.ATTR_GENOPS_OPENROUTER_ACTUAL_PROVIDER) || provider,
    costNano: price.costNano,
    upstreamNano: price.costSource === sent.costSource ? upstreamNano(attrs, price.costNano) : 0n,
    costSource: price.costSource,
    ...(price.clientCostNano !== undefined ? { clientCostNano: price.clientCostNano } : {}),
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    ...detailOf(usage),
    isError: isErrorSpan(span, attrs),
    durationMs,
    reservationId: str(attrs, A.ATTR_GENOPS_BUDGET_RESERVATION_ID),
    generationId: generationId(attrs, provider),
    ...(str(attrs, A.ATTR_GENOPS_OPENROUTER_FALLBACK_USED) === 'true' ? { fallback: true } : {}),
  };
}

export interface DecodeOptions {
  /** Prices every call whose provider did not report its cost (ours and other instrumentations'); default the bundled catalog. */
  catalog?: PriceCatalog;
  /** Who pays for spans that do not say; default none (they go to `unattributed`). */
  rules?: AttributionRules;
  /** Which calls to queue for reconciliation with the provider's bill (reconcile/reconcile-policy.ts); default none. */
  reconcile?: (event: CostEvent) => boolean;
}

const NO_RULES = AttributionRules.none();
const NO_RECONCILIATION = () => false;

/** Decodes a message. A message that is not OTLP JSON yields one failure and no events. */
export function decodeCostSpans(bytes: Buffer | string, options: DecodeOptions = {}): DecodedMessage {
  const resolved = {
    catalog: options.catalog ?? PriceCatalog.bundled(),
    rules: options.rules ?? NO_RULES,
    reconcile: options.reconcile ?? NO_RECONCILIATION,
  };
  let json: unknown;
  try {
    json = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (error) {
    return { events: [], failures: [{ reason: `not JSON: ${(error as Error).message}` }], skipped: 0 };
  }
  const traces = TracesData.safeParse(json);
  if (!traces.success)
    return {
      events: [],
      failures: [{ reason: `not OTLP JSON traces: ${zodReason(traces.error)}` }],
      skipped: 0,
    };
  const events: CostEvent[] = [];
  const failures: DecodeFailure[] = [];
  let skipped = 0;
  for (const rs of traces.data.resourceSpans) {
    const resource: Attrs = new Map((rs.resource?.attributes ?? []).map((kv) => [kv.key, kv.value ?? {}]));
    for (const ss of rs.scopeSpans ?? []) {
      for (const raw of ss.spans ?? []) {
        const span = isSpan(raw) ? { success: true as const, data: raw } : Span.safeParse(raw);
        if (!span.success) {
          const ids = raw as { traceId?: unknown; spanId?: unknown };
          failures.push({
            reason: `invalid span: ${zodReason(span.error)}`,
            ...(typeof ids?.traceId === 'string' ? { traceId: ids.traceId } : {}),
            ...(typeof ids?.spanId === 'string' ? { spanId: ids.spanId } : {}),
          });
          continue;
        }
        try {
          const event = toEvent(span.data, resource, resolved);
          if (event === 'skip') skipped++;
          else {
            if (resolved.reconcile(event)) event.reconcile = true;
            events.push(event);
          }
        } catch (error) {
          failures.push({
            reason: (error as Error).message,
            traceId: span.data.traceId,
            spanId: span.data.spanId,
          });
        }
      }
    }
  }
  return { events, failures, skipped };
}
