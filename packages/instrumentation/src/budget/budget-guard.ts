// Stops a call before it is made when the team's hard budget cannot take it: reserve its worst-case cost at the
// processor, throw BudgetExceededError on BLOCKED, release on failure; the call's cost span settles the rest.
import { BudgetExceededError, GuardRejectedError, ProcessorUnavailableError } from '../errors.js';
import { diag } from '@opentelemetry/api';
import { PriceCatalog } from '@genops/pricing';
import { ATTR_GENOPS_BUDGET_POLICY, ATTR_GENOPS_TEAM } from '@genops/semconv';
import { instrumentsFor } from '../telemetry/instruments.js';
import { ProcessorClient, ProcessorUnreachableError } from './processor-client.js';
import { estimatePromptTokens, type PromptTokenCounter } from './prompt-tokens.js';

const log = diag.createComponentLogger({ namespace: '@genops/instrumentation/budget-guard' });

export type BudgetDecision = 'ALLOWED' | 'WARNING' | 'BLOCKED';

export interface BudgetGuardOptions {
  /** Processor base URL. Default: GENOPS_URL, else http://127.0.0.1:8080. */
  url?: string;
  /** Bearer token. Default: GENOPS_TOKEN. */
  token?: string;
  /**
   * When the processor cannot be reached (connection error, timeout, 5xx): `true` (default) lets the call
   * through, `false` blocks it. A processor that answers with a 4xx (a rejected token, a bad request) always
   * blocks: a misconfiguration must not turn enforcement off.
   */
  failOpen?: boolean;
  /** Per-request timeout, ms. Default 2000. */
  timeoutMs?: number;
  /** How long a reservation lives if its cost span never arrives, s. Default 300. */
  ttlSeconds?: number;
  /** How long a BLOCKED decision is reused for the same team without asking again, ms. Default 1000. */
  blockedCacheMs?: number;
  /** Prices for the worst-case estimate; default the bundled catalog. */
  priceCatalog?: PriceCatalog;
  /** Output tokens assumed when the request sets no max_tokens. Default 1024. */
  defaultMaxOutputTokens?: number;
  /**
   * Reserved for a call whose model has no price in the catalog, USD. Default 0.1 (a long answer from a
   * frontier model); the call's cost span settles the real amount.
   */
  unknownModelEstimateUsd?: number;
  /**
   * Counts prompt tokens for a model (e.g. `o200kPromptTokens` from `@genops/instrumentation/tokenizer` for OpenAI
   * models); where it returns undefined, the calibrated estimate of `estimatePromptTokens` is used.
   */
  promptTokenCounter?: PromptTokenCounter;
}

/** A worst-case estimate and what it rests on. */
export interface CallEstimate {
  usd: number;
  /** Set when the estimate is not from the catalog's price for the model. */
  basis?: string;
}

export interface AdmitRequest {
  team: string;
  project?: string;
  model: string;
  estimatedCostUsd: number;
  /** Why the estimate is what it is, when not a catalog price (shown in the processor's reason). */
  estimateBasis?: string;
}

export interface Admitted {
  decision: BudgetDecision;
  reservationId?: string;
  reasonCode?: string;
}

interface ChatParams {
  model?: unknown;
  messages?: { role?: unknown; content?: unknown }[];
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
}

export class BudgetGuard {
  private readonly url: string;
  private readonly failOpen: boolean;
  private readonly timeoutMs: number;
  private readonly ttlSeconds: number;
  private readonly blockedCacheMs: number;
  private readonly catalog: PriceCatalog;
  private readonly defaultMaxOutputTokens: number;
  private readonly unknownModelEstimateUsd: number;
  private readonly promptTokenCounter: PromptTokenCounter | undefined;
  private readonly client: ProcessorClient;
  private readonly blocked = new Map<string, { until: number; error: BudgetExceededError }>();
  private readonly logged = new Set<string>();

  constructor(options: BudgetGuardOptions = {}) {
    this.url = (options.url ?? process.env.GENOPS_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
    this.failOpen = options.failOpen ?? true;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.ttlSeconds = options.ttlSeconds ?? 300;
    this.blockedCacheMs = options.blockedCacheMs ?? 1000;
    this.catalog = options.priceCatalog ?? PriceCatalog.bundled();
    this.defaultMaxOutputTokens = options.defaultMaxOutputTokens ?? 1024;
    this.unknownModelEstimateUsd = options.unknownModelEstimateUsd ?? 0.1;
    this.promptTokenCounter = options.promptTokenCounter;
    if (!(this.timeoutMs > 0)) throw new RangeError('BudgetGuard: timeoutMs must be > 0');
    if (!(this.unknownModelEstimateUsd >= 0 && Number.isFinite(this.unknownModelEstimateUsd)))
      throw new RangeError('BudgetGuard: unknownModelEstimateUsd must be a finite number >= 0');
    this.client = new ProcessorClient(this.url, options.token ?? process.env.GENOPS_TOKEN, this.timeoutMs);
  }

  /** Prompt tokens of a request: the counter's figure for the model, else the calibrated estimate. */
  promptTokens(params: ChatParams): number {
    const messages = params.messages ?? [];
    return this.promptTokenCounter?.(messages, String(params.model)) ?? estimatePromptTokens(messages);
  }

  /**
   * Worst-case cost of a chat request: its prompt tokens (`promptTokens`) and every allowed output token. A model
   * the catalog cannot price reserves `unknownModelEstimateUsd`, never zero.
   */
  estimateChatCost(params: ChatParams): CallEstimate {
    const maxOut = Number(params.max_completion_tokens ?? params.max_tokens ?? this.defaultMaxOutputTokens);
    const estimate = this.catalog.estimate(String(params.model), {
      inputTokens: this.promptTokens(params),
      outputTokens: Number.isFinite(maxOut) && maxOut > 0 ? Math.floor(maxOut) : this.defaultMaxOutputTokens,
    });
    if (estimate) return { usd: estimate.usd };
    return {
      usd: this.unknownModelEstimateUsd,
      basis: `no price for model ${String(params.model)} in the catalog: reserved unknownModelEstimateUsd ${this.unknownModelEstimateUsd} USD`,
    };
  }

  /** @deprecated use estimateChatCost, which also says what the estimate rests on. */
  estimateChatCostUsd(params: ChatParams): number {
    return this.estimateChatCost(params).usd;
  }

  /** Logs a rejected request once per cause through OTel diag (not once per call). */
  private logOnce(key: string, message: string): void {
    if (this.logged.has(key)) return;
    this.logged.add(key);
    log.error(message);
  }

  private unreachable(request: AdmitRequest, cause: string): Admitted {
    instrumentsFor().guardUnreachable.add(1, {
      [ATTR_GENOPS_TEAM]: request.team,
      [ATTR_GENOPS_BUDGET_POLICY]: this.failOpen ? 'fail_open' : 'fail_closed',
    });
    if (this.failOpen) return { decision: 'ALLOWED', reasonCode: 'PROCESSOR_UNREACHABLE' };
    throw new ProcessorUnavailableError(request.team, `processor at ${this.url} unreachable: ${cause}`);
  }

  /** Reserves the estimate, or throws a CallBlockedError (BudgetExceededError, GuardRejectedError, ProcessorUnavailableError). */
  async admit(request: AdmitRequest): Promise<Admitted> {
    const cached = this.blocked.get(request.team);
    if (cached && cached.until > Date.now()) throw cached.error;
    let response;
    try {
      response = await this.client.request('POST', '/v1/reservations', {
        ...request,
        ttlSeconds: this.ttlSeconds,
      });
    } catch (error) {
      if (error instanceof ProcessorUnreachableError) return this.unreachable(request, error.message);
      throw error;
    }
    if (response.status >= 500)
      return this.unreachable(request, `HTTP ${response.status}: ${response.body.slice(0, 200)}`);
    if (response.status !== 200) {
      const rejected = response.status === 401 || response.status === 403;
      const reasonCode = rejected ? 'PROCESSOR_REJECTED_TOKEN' : 'PROCESSOR_REJECTED_REQUEST';
      const reason = rejected
        ? `processor at ${this.url} rejected the token (HTTP ${response.status}): set GENOPS_TOKEN or the token option to a token it accepts`
        : `processor at ${this.url} rejected the reservation (HTTP ${response.status}): ${response.body.slice(0, 300)}`;
      this.logOnce(`${response.status}`, `BudgetGuard blocks calls: ${reason}`);
      throw new GuardRejectedError(request.team, reasonCode, reason);
    }
    const body = JSON.parse(response.body) as {
      decision: BudgetDecision;
      reservationId?: string;
      reasonCode?: string;
      reason?: string;
    };
    if (body.decision === 'BLOCKED') {
      const error = new BudgetExceededError(
        request.team,
        body.reasonCode ?? 'BUDGET_EXCEEDED',
        body.reason ?? 'blocked',
      );
      this.blocked.set(request.team, { until: Date.now() + this.blockedCacheMs, error });
      throw error;
    }
    return {
      decision: body.decision,
      ...(body.reservationId ? { reservationId: body.reservationId } : {}),
      ...(body.reasonCode ? { reasonCode: body.reasonCode } : {}),
    };
  }

  /** Releases a reservation whose call failed or was aborted. Never throws. */
  async release(reservationId: string): Promise<void> {
    try {
      await this.client.request('DELETE', `/v1/reservations/${encodeURIComponent(reservationId)}`);
    } catch {
      // The processor's expiry sweep removes it anyway.
    }
  }

  /** Closes the keep-alive sockets (a guard otherwise keeps none open past their idle timeout). */
  close(): void {
    this.client.close();
  }
}
