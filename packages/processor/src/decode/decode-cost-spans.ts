// Decodes one Kafka message (OTLP protobuf or JSON, as the collector's kafka exporter writes it) into cost events,
// and says exactly why anything could not be decoded. Pure.
import { PriceCatalog, usdToNanoUsd, type TokenUsage } from '@genops/pricing';
import * as A from '@genops/semconv';
import type { CostEvent } from './cost-event.js';
import { AttributionRules, RULE_FIELDS, type RuleField } from './attribution-rules.js';
import { readForeignLlmCall } from './foreign-llm-span.js';
import { parseTraces, type MessageEncoding } from './otlp-message.js';
import { canonicalModel, catalogPrice, detailOf, genopsUsage, priceAtIngest } from './ingest-pricing.js';
import { DecodeError, type DecodeFailure } from './decode-errors.js';
import { isSpan, Span, TracesData, zodReason, type Attrs, type SpanShape } from './otlp-span.js';
import { costNano, reader, str, upstreamNano } from './span-attributes.js';

export { MAX_COST_USD } from './span-attributes.js';

export type { DecodeFailure };
export { parseTraces, type MessageEncoding };

export interface DecodedMessage {
  encoding: MessageEncoding;
  events: CostEvent[];
  failures: DecodeFailure[];
  /** LLM spans that are not one model call (an AI SDK loop, an OpenInference chain): not charged, not failed. */
  skipped: number;
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
).map(([field, key]) => [field, key, `${A.AI_SDK.TELEMETRY_METADATA_PREFIX}${key}`]);

/**
 * Who pays: GenOps attributes on the span, then the AI SDK's telemetry metadata (`ai.telemetry.metadata.genops.*`),
 * then the resource (`OTEL_RESOURCE_ATTRIBUTES=genops.team=…`); what is still empty from the first matching
 * attribution rule; a team nothing names is `unattributed` (counted, never dropped).
 */
function attribution(attrs: Attrs, resource: Attrs, rules: AttributionRules): Record<RuleField, string> {
  const fields = {} as Record<RuleField, string>;
  for (const [field, key, metadataKey] of ATTRIBUTION_KEYS)
    fields[field] = str(attrs, key) || str(attrs, metadataKey) || str(resource, key);
  fields.environment ||= str(resource, A.ATTR_DEPLOYMENT_ENVIRONMENT_NAME);
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
  const id = str(attrs, A.ATTR_GEN_AI_RESPONSE_ID) || str(attrs, A.AI_SDK.RESPONSE_ID);
  return id.startsWith('gen-') ? id : '';
}

const isErrorSpan = (span: SpanShape, attrs: Attrs) =>
  span.status?.code === 2 || span.status?.code === 'STATUS_CODE_ERROR' || attrs.has(A.ATTR_ERROR_TYPE);

/**
 * A span of another instrumentation (no genops.cost.total): its tokens priced from the catalog at the span's end
 * time (`estimated`), or the cost it reports (`reported`); team and attribution from GenOps attributes on the span
 * or its resource (`OTEL_RESOURCE_ATTRIBUTES=genops.team=search`), else `unattributed`.
 */
/** What every convention's call says, for the fields of the event they share. */
interface CallFacts {
  model: string;
  servedModel: string;
  provider: string;
  servedProvider: string;
  usage: TokenUsage;
}

/**
 * The fields every cost event has, whichever convention the span speaks: its identity and time, who pays (span,
 * AI SDK metadata, resource, rules), experiment and variant (span, then resource), the model under its catalog id,
 * the usage, whether it failed, its OpenRouter generation. The conventions add the cost.
 */
function baseEvent(
  span: SpanShape,
  attrs: Attrs,
  resource: Attrs,
  { catalog, rules }: Pricing,
  call: CallFacts,
): Omit<CostEvent, 'costNano' | 'upstreamNano' | 'costSource' | 'reservationId'> {
  const { endMs, durationMs } = spanTimes(span);
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
    servedProvider: call.servedProvider,
    inputTokens: call.usage.inputTokens,
    outputTokens: call.usage.outputTokens,
    ...detailOf(call.usage),
    isError: isErrorSpan(span, attrs),
    durationMs,
    generationId: generationId(attrs, call.provider),
  };
}

function foreignEvent(span: SpanShape, attrs: Attrs, resource: Attrs, options: Pricing): CostEvent | 'skip' {
  const { catalog } = options;
  const call = readForeignLlmCall(reader(attrs));
  if (call === 'skip') return 'skip';
  if (!call)
    throw new DecodeError(
      'MISSING_ATTRIBUTE',
      `${A.ATTR_GENOPS_COST_TOTAL} is missing and the span is no LLM call GenOps can price`,
    );
  if (!call.model) throw new DecodeError('MISSING_ATTRIBUTE', `${call.convention} LLM span without a model`);
  const { endMs } = spanTimes(span);
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
    ...baseEvent(span, attrs, resource, options, { ...call, servedProvider: call.provider }),
    costNano,
    upstreamNano: 0n,
    costSource,
    reservationId: '',
  };
}

function toEvent(span: SpanShape, resource: Attrs, options: Pricing): CostEvent | 'skip' {
  const attrs: Attrs = new Map((span.attributes ?? []).map((kv) => [kv.key, kv.value ?? {}]));
  if (!attrs.has(A.ATTR_GENOPS_COST_TOTAL)) return foreignEvent(span, attrs, resource, options);
  const model = str(attrs, A.ATTR_GENOPS_MODEL) || str(attrs, A.ATTR_GEN_AI_REQUEST_MODEL);
  if (!model) throw new DecodeError('MISSING_ATTRIBUTE', `${A.ATTR_GENOPS_MODEL} is missing`);
  const provider = str(attrs, A.ATTR_GENOPS_PROVIDER) || str(attrs, A.ATTR_GEN_AI_PROVIDER_NAME) || 'unknown';
  const { endMs } = spanTimes(span);
  const servedModel = str(attrs, A.ATTR_GEN_AI_RESPONSE_MODEL) || model;
  const sent = { costNano: costNano(attrs), costSource: str(attrs, A.ATTR_GENOPS_COST_SOURCE) || 'unknown' };
  const usage = genopsUsage(reader(attrs));
  const price = priceAtIngest(options.catalog, { model, servedModel, usage, endMs }, sent);
  return {
    ...baseEvent(span, attrs, resource, options, {
      model,
      servedModel,
      provider,
      servedProvider: str(attrs, A.ATTR_GENOPS_OPENROUTER_ACTUAL_PROVIDER) || provider,
      usage,
    }),
    costNano: price.costNano,
    upstreamNano: price.costSource === sent.costSource ? upstreamNano(attrs, price.costNano) : 0n,
    costSource: price.costSource,
    ...(price.clientCostNano !== undefined ? { clientCostNano: price.clientCostNano } : {}),
    reservationId: str(attrs, A.ATTR_GENOPS_BUDGET_RESERVATION_ID),
    ...(str(attrs, A.ATTR_GENOPS_OPENROUTER_FALLBACK_USED) === 'true' ? { fallback: true } : {}),
  };
}

/** How a call is priced and attributed: the catalog and the rules, resolved. */
type Pricing = Required<Pick<DecodeOptions, 'catalog' | 'rules'>>;

export interface DecodeOptions {
  /** Prices every call whose provider did not report its cost (ours and other instrumentations'); default the bundled catalog. */
  catalog?: PriceCatalog;
  /** Who pays for spans that do not say; default none (they go to `unattributed`). */
  rules?: AttributionRules;
  /** Which calls to queue for reconciliation with the provider's bill; default none. */
  reconcile?: ReconcilePolicy;
}

/**
 * Which calls to queue for reconciliation (`reconciliationPolicy` in reconcile/reconciler.ts): a predicate that
 * names its sample rate, so that a thread decoding for the consumer makes the same one.
 */
export type ReconcilePolicy = ((event: CostEvent) => boolean) & { readonly sampleRate: number };

const NO_RULES = AttributionRules.none();
const NO_RECONCILIATION = (_event: CostEvent) => false;

/** Decodes a message. A message that is neither OTLP protobuf nor OTLP JSON yields one failure and no events. */
export function decodeCostSpans(bytes: Buffer | string, options: DecodeOptions = {}): DecodedMessage {
  const resolved = {
    catalog: options.catalog ?? PriceCatalog.bundled(),
    rules: options.rules ?? NO_RULES,
    reconcile: options.reconcile ?? NO_RECONCILIATION,
  };
  const parsed = parseTraces(bytes);
  if ('failure' in parsed) return { encoding: 'invalid', events: [], failures: [parsed.failure], skipped: 0 };
  const { json, encoding } = parsed;
  const traces = TracesData.safeParse(json);
  if (!traces.success)
    return {
      encoding,
      events: [],
      failures: [{ code: 'NOT_OTLP_TRACES', reason: `not OTLP JSON traces: ${zodReason(traces.error)}` }],
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
            code: 'INVALID_SPAN',
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
            code: error instanceof DecodeError ? error.code : 'INVALID_ATTRIBUTE',
            reason: (error as Error).message,
            traceId: span.data.traceId,
            spanId: span.data.spanId,
          });
        }
      }
    }
  }
  return { encoding, events, failures, skipped };
}
