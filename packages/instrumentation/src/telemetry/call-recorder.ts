// One LLM call's span and metrics: opened before the call, closed once with its outcome.
import {
  context as otelContext,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import * as A from '@genops/semconv';
import type { PriceCatalog } from '@genops/pricing';
import { usdToNanoUsd, nanoUsdToUsd } from '@genops/pricing';
import type { GenOpsAttribution, LLMCall, LLMCallMeta, LLMResponseInfo, TokenUsage } from '../types.js';
import type { CallScope } from '../budget/guard-types.js';
import { instrumentsFor } from './instruments.js';
import {
  attributionAttributes,
  errorType,
  responseAttributes,
  tokenCount,
  usageAttributes,
} from './attributes.js';
import type { ResolvedTelemetry } from './resolve.js';
import { safely, warnOnce } from './safely.js';

/** Cost of a finished call: what goes on the span and into the cost counter. */
export interface CallCost {
  totalUsd: number;
  source: A.CostSource;
  estimatedUsd?: number;
}

/** Reported cost wins; the estimate is kept beside it for drift. Pure. */
export function resolveCost(
  catalog: PriceCatalog,
  model: string,
  usage: TokenUsage,
  reportedUsd: number | undefined,
  at: Date,
): CallCost {
  const estimate = catalog.estimate(model, usage, at);
  const estimatedUsd = estimate?.usd;
  if (reportedUsd !== undefined && Number.isFinite(reportedUsd) && reportedUsd >= 0) {
    // Round-trip through nano-USD so the attribute is exactly what the ledger will store.
    return {
      totalUsd: nanoUsdToUsd(usdToNanoUsd(reportedUsd)),
      source: A.COST_SOURCE_REPORTED,
      estimatedUsd,
    };
  }
  if (estimate) return { totalUsd: estimate.usd, source: A.COST_SOURCE_ESTIMATED, estimatedUsd };
  return { totalUsd: 0, source: A.COST_SOURCE_UNKNOWN };
}

export class CallRecorder implements LLMCall {
  readonly span: Span;
  /** Context with this call's span active: run the wrapped call in it. */
  readonly context: Context;
  private readonly startedAt = performance.now();
  private readonly attribution: GenOpsAttribution;
  private usage: TokenUsage | undefined;
  private response: LLMResponseInfo = {};
  private ended = false;

  constructor(
    private readonly telemetry: ResolvedTelemetry,
    private readonly meta: LLMCallMeta,
    requestAttributes: Attributes = {},
  ) {
    this.attribution = telemetry.attribution();
    const operation = meta.operation ?? 'chat';
    const attributes: Attributes = {
      [A.ATTR_GEN_AI_OPERATION_NAME]: operation,
      [A.ATTR_GEN_AI_PROVIDER_NAME]: meta.provider,
      [A.ATTR_GEN_AI_REQUEST_MODEL]: meta.model,
      [A.ATTR_GENOPS_PROVIDER]: meta.provider,
      [A.ATTR_GENOPS_MODEL]: meta.model,
      ...attributionAttributes(this.attribution),
      ...requestAttributes,
    };
    if (meta.serverAddress) attributes[A.ATTR_SERVER_ADDRESS] = meta.serverAddress;
    this.span = telemetry.tracer.startSpan(`${operation} ${meta.model}`, {
      kind: SpanKind.CLIENT,
      attributes,
    });
    this.context = trace.setSpan(otelContext.active(), this.span);
  }

  setUsage(usage: TokenUsage): void {
    this.usage = {
      inputTokens: tokenCount(usage.inputTokens),
      outputTokens: tokenCount(usage.outputTokens),
      cacheReadTokens: tokenCount(usage.cacheReadTokens),
      cacheWriteTokens: tokenCount(usage.cacheWriteTokens),
      cacheWrite1hTokens: tokenCount(usage.cacheWrite1hTokens),
      reasoningTokens: tokenCount(usage.reasoningTokens),
      webSearches: tokenCount(usage.webSearches),
      ...(usage.serviceTier ? { serviceTier: String(usage.serviceTier) } : {}),
    };
  }

  setResponse(info: LLMResponseInfo): void {
    this.response = { ...this.response, ...info };
  }

  /** Who the call is for, as budgets see it: team (else `unattributed`), project, customer, feature, environment. */
  get scope(): CallScope {
    const { team, project, customerId, feature, environment } = this.attribution;
    return {
      team: team ?? 'unattributed',
      ...(project ? { project } : {}),
      ...(customerId ? { customer: customerId } : {}),
      ...(feature ? { feature } : {}),
      ...(environment ? { environment } : {}),
    };
  }

  /** Team and project the call is attributed to. */
  get team(): string | undefined {
    return this.attribution.team;
  }

  get project(): string | undefined {
    return this.attribution.project;
  }

  setBudgetDecision(decision: string, reasonCode: string | undefined): void {
    this.span.setAttribute(A.ATTR_GENOPS_BUDGET_DECISION, decision);
    if (reasonCode) this.span.setAttribute(A.ATTR_GENOPS_BUDGET_REASON_CODE, reasonCode);
  }

  /** The output cap BudgetGuard set on the request (a hard budget's reservation pays for no more). */
  setOutputCap(maxOutputTokens: number): void {
    this.span.setAttribute(A.ATTR_GENOPS_BUDGET_OUTPUT_CAP, maxOutputTokens);
    this.span.setAttribute(A.ATTR_GEN_AI_REQUEST_MAX_TOKENS, maxOutputTokens);
  }

  setReservation(reservationId: string): void {
    this.span.setAttribute(A.ATTR_GENOPS_BUDGET_RESERVATION_ID, reservationId);
  }

  /** Records prompt or completion content, only when the user opted in, through the redaction hook. */
  captureContent(kind: 'input' | 'output', content: unknown): void {
    if (!this.telemetry.captureContent) return;
    safely(
      'capturing content',
      () => {
        const text = JSON.stringify(content);
        const redacted = this.telemetry.redact ? this.telemetry.redact(text, kind) : text;
        this.span.setAttribute(
          kind === 'input' ? A.ATTR_GEN_AI_INPUT_MESSAGES : A.ATTR_GEN_AI_OUTPUT_MESSAGES,
          redacted,
        );
      },
      undefined,
    );
  }

  /** Ends the span and records the metrics. Only the first call has an effect. */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    safely('recording the LLM call', () => this.record(error), undefined);
  }

  private record(error: unknown): void {
    const durationS = (performance.now() - this.startedAt) / 1000;
    const usage = this.usage ?? { inputTokens: 0, outputTokens: 0 };
    const model = this.response.responseModel ?? this.meta.model;
    const priced = this.meta.priceAs?.(model) ?? model;
    const cost = resolveCost(
      this.telemetry.catalog,
      priced,
      usage,
      this.response.reportedCostUsd,
      new Date(),
    );
    if (cost.source === A.COST_SOURCE_UNKNOWN) {
      warnOnce(
        `no price for model "${priced}" in catalog ${this.telemetry.catalog.version}; cost recorded as 0 (source unknown)`,
      );
    }
    const failed = error !== undefined;
    const span = this.span;
    span.setAttributes({
      ...responseAttributes(this.response),
      ...(this.usage ? usageAttributes(usage) : {}),
      [A.ATTR_GENOPS_COST_TOTAL]: cost.totalUsd,
      [A.ATTR_GENOPS_COST_CURRENCY]: 'USD',
      [A.ATTR_GENOPS_COST_SOURCE]: cost.source,
      [A.ATTR_GENOPS_PRICE_CATALOG_VERSION]: this.telemetry.catalog.version,
      ...(cost.source === A.COST_SOURCE_UNKNOWN
        ? {}
        : {
            [A.ATTR_GEN_AI_USAGE_COST_AMOUNT]: cost.totalUsd,
            [A.ATTR_GEN_AI_USAGE_COST_CURRENCY]: 'USD',
            [A.ATTR_GEN_AI_USAGE_COST_SOURCE]:
              cost.source === A.COST_SOURCE_REPORTED
                ? A.GEN_AI_COST_SOURCE_PROVIDER
                : A.GEN_AI_COST_SOURCE_LOCAL,
          }),
    });
    if (cost.estimatedUsd !== undefined) span.setAttribute(A.ATTR_GENOPS_COST_ESTIMATED, cost.estimatedUsd);
    const type = failed ? errorType(error) : undefined;
    if (failed) {
      span.setAttribute(A.ATTR_ERROR_TYPE, type!);
      if (error instanceof Error) span.recordException(error);
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
    }
    span.end();
    this.recordMetrics(durationS, usage, cost, type);
  }

  private recordMetrics(
    durationS: number,
    usage: TokenUsage,
    cost: CallCost,
    type: string | undefined,
  ): void {
    const instruments = instrumentsFor(this.telemetry.meterProvider);
    const base: Attributes = {
      [A.ATTR_GENOPS_PROVIDER]: this.meta.provider,
      [A.ATTR_GENOPS_MODEL]: this.meta.model,
      [A.ATTR_GENOPS_STATUS]: type ? A.STATUS_ERROR : A.STATUS_OK,
    };
    const { team, project, environment } = this.attribution;
    if (team) base[A.ATTR_GENOPS_TEAM] = team;
    if (project) base[A.ATTR_GENOPS_PROJECT] = project;
    if (environment) base[A.ATTR_GENOPS_ENVIRONMENT] = environment;
    if (this.response.actualProvider)
      base[A.ATTR_GENOPS_OPENROUTER_ACTUAL_PROVIDER] = this.response.actualProvider;
    // A boolean: bounded, and what the fallback-rate panels and alerts divide by.
    if (this.response.fallbackUsed !== undefined)
      base[A.ATTR_GENOPS_OPENROUTER_FALLBACK_USED] = this.response.fallbackUsed;
    if (type) base[A.ATTR_ERROR_TYPE] = type;

    const semconv: Attributes = {
      [A.ATTR_GEN_AI_OPERATION_NAME]: this.meta.operation ?? 'chat',
      [A.ATTR_GEN_AI_PROVIDER_NAME]: this.meta.provider,
      [A.ATTR_GEN_AI_REQUEST_MODEL]: this.meta.model,
    };
    if (this.response.responseModel) semconv[A.ATTR_GEN_AI_RESPONSE_MODEL] = this.response.responseModel;
    if (team) semconv[A.ATTR_GENOPS_TEAM] = team;
    if (type) semconv[A.ATTR_ERROR_TYPE] = type;

    instruments.requests.add(1, base);
    instruments.requestDuration.record(durationS, base);
    instruments.operationDuration.record(durationS, semconv);
    instruments.cost.add(cost.totalUsd, base);
    if (!this.usage) return;
    const byType: [string, number][] = [
      [A.TOKEN_TYPE_INPUT, usage.inputTokens],
      [A.TOKEN_TYPE_OUTPUT, usage.outputTokens],
    ];
    for (const [tokenType, count] of byType) {
      instruments.tokens.add(count, { ...base, [A.ATTR_GENOPS_TOKEN_TYPE]: tokenType });
      instruments.tokenUsage.record(count, { ...semconv, [A.ATTR_GEN_AI_TOKEN_TYPE]: tokenType });
    }
    if (usage.cacheReadTokens) {
      instruments.tokens.add(usage.cacheReadTokens, {
        ...base,
        [A.ATTR_GENOPS_TOKEN_TYPE]: A.TOKEN_TYPE_CACHE_READ,
      });
    }
    if (usage.reasoningTokens) {
      instruments.tokens.add(usage.reasoningTokens, {
        ...base,
        [A.ATTR_GENOPS_TOKEN_TYPE]: A.TOKEN_TYPE_REASONING,
      });
    }
  }
}
