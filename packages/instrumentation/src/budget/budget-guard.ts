// Stops a call before it is made when the team's hard budget cannot take it: reserve its worst-case cost at the
// processor, throw BudgetExceededError on BLOCKED, release on failure; the call's cost span settles the rest.
import { PriceCatalog } from '../pricing/price-catalog.js';
import { ATTR_GENOPS_BUDGET_POLICY, ATTR_GENOPS_TEAM } from '../semconv.js';
import { instrumentsFor } from '../telemetry/instruments.js';

export type BudgetDecision = 'ALLOWED' | 'WARNING' | 'BLOCKED';

export interface BudgetGuardOptions {
  /** Processor base URL. Default: GENOPS_URL, else http://127.0.0.1:8080. */
  url?: string;
  /** Bearer token. Default: GENOPS_TOKEN. */
  token?: string;
  /** When the processor cannot be reached: `true` (default) lets the call through, `false` blocks it. */
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
}

export interface AdmitRequest {
  team: string;
  project?: string;
  model: string;
  estimatedCostUsd: number;
}

export interface Admitted {
  decision: BudgetDecision;
  reservationId?: string;
  reasonCode?: string;
}

export class BudgetExceededError extends Error {
  readonly code = 'BUDGET_EXCEEDED';
  constructor(
    readonly team: string,
    readonly reasonCode: string,
    readonly reason: string,
  ) {
    super(`budget exceeded for team ${team}: ${reason}`);
    this.name = 'BudgetExceededError';
  }
}

interface ChatParams {
  model?: unknown;
  messages?: { content?: unknown }[];
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
}

export class BudgetGuard {
  private readonly url: string;
  private readonly token: string | undefined;
  private readonly failOpen: boolean;
  private readonly timeoutMs: number;
  private readonly ttlSeconds: number;
  private readonly blockedCacheMs: number;
  private readonly catalog: PriceCatalog;
  private readonly defaultMaxOutputTokens: number;
  private readonly blocked = new Map<string, { until: number; error: BudgetExceededError }>();

  constructor(options: BudgetGuardOptions = {}) {
    this.url = (options.url ?? process.env.GENOPS_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
    this.token = options.token ?? process.env.GENOPS_TOKEN;
    this.failOpen = options.failOpen ?? true;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.ttlSeconds = options.ttlSeconds ?? 300;
    this.blockedCacheMs = options.blockedCacheMs ?? 1000;
    this.catalog = options.priceCatalog ?? PriceCatalog.bundled();
    this.defaultMaxOutputTokens = options.defaultMaxOutputTokens ?? 1024;
    if (!(this.timeoutMs > 0)) throw new RangeError('BudgetGuard: timeoutMs must be > 0');
  }

  /** Worst-case cost of a chat request: ~4 characters per prompt token, and every allowed output token. */
  estimateChatCostUsd(params: ChatParams): number {
    const chars = (params.messages ?? []).reduce(
      (n, m) =>
        n + (typeof m.content === 'string' ? m.content.length : JSON.stringify(m.content ?? '').length),
      0,
    );
    const maxOut = Number(params.max_completion_tokens ?? params.max_tokens ?? this.defaultMaxOutputTokens);
    const estimate = this.catalog.estimate(String(params.model), {
      inputTokens: Math.ceil(chars / 4),
      outputTokens: Number.isFinite(maxOut) && maxOut > 0 ? Math.floor(maxOut) : this.defaultMaxOutputTokens,
    });
    return estimate?.usd ?? 0;
  }

  private headers(): Record<string, string> {
    return {
      'content-type': 'application/json',
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
    };
  }

  /** Reserves the estimate or throws BudgetExceededError. */
  async admit(request: AdmitRequest): Promise<Admitted> {
    const cached = this.blocked.get(request.team);
    if (cached && cached.until > Date.now()) throw cached.error;
    let body: { decision: BudgetDecision; reservationId?: string; reasonCode?: string; reason?: string };
    try {
      const response = await fetch(`${this.url}/v1/reservations`, {
        method: 'POST',
        headers: this.headers(),
        body: JSON.stringify({ ...request, ttlSeconds: this.ttlSeconds }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      body = (await response.json()) as typeof body;
    } catch (error) {
      instrumentsFor().guardUnreachable.add(1, {
        [ATTR_GENOPS_TEAM]: request.team,
        [ATTR_GENOPS_BUDGET_POLICY]: this.failOpen ? 'fail_open' : 'fail_closed',
      });
      if (this.failOpen) return { decision: 'ALLOWED', reasonCode: 'PROCESSOR_UNREACHABLE' };
      throw new BudgetExceededError(
        request.team,
        'PROCESSOR_UNREACHABLE',
        `processor at ${this.url} unreachable: ${(error as Error).message}`,
      );
    }
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
      await fetch(`${this.url}/v1/reservations/${encodeURIComponent(reservationId)}`, {
        method: 'DELETE',
        headers: this.headers(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      // The reservation's TTL releases it anyway.
    }
  }
}
