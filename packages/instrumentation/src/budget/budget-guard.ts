// Stops a call before it is made when the team's hard budget cannot take it: reserve its worst-case cost at the
// processor, throw BudgetExceededError on BLOCKED, release on failure; the call's cost span settles the rest.
import { BudgetExceededError, GuardRejectedError, ProcessorUnavailableError } from '../errors.js';
import { diag } from '@opentelemetry/api';
import { PriceCatalog } from '@genops/pricing';
import { ATTR_GENOPS_BUDGET_POLICY, ATTR_GENOPS_TEAM } from '@genops/semconv';
import { instrumentsFor } from '../telemetry/instruments.js';
import { ProcessorClient, ProcessorUnreachableError } from './processor-client.js';
import { affordableOutputTokens, outputTokenUsd } from './output-cap.js';
import type {
  AdmitRequest,
  Admitted,
  BudgetGuardOptions,
  CallEstimate,
  ChatAdmission,
  ChatParams,
  ReservationAnswer,
} from './guard-types.js';
import {
  CL100K_MODELS,
  estimatePromptTokensWithMargin,
  O200K_MODELS,
  type PromptTokenCounter,
} from './prompt-tokens.js';

const log = diag.createComponentLogger({ namespace: '@genops/instrumentation/budget-guard' });

/** OpenAI's tokenizers, loaded once per process by the first guard that admits an OpenAI model. */
let openAiTokenizer: Promise<PromptTokenCounter | undefined> | undefined;
let openAiCounter: PromptTokenCounter | undefined;
function loadOpenAiTokenizer(): Promise<PromptTokenCounter | undefined> {
  return (openAiTokenizer ??= import('../tokenizer.js').then(
    (m) => (openAiCounter = m.openAiPromptTokens),
    (error: unknown) => {
      log.warn(
        `OpenAI's tokenizers could not be loaded; prompts are estimated with the margin: ${String(error)}`,
      );
      return undefined;
    },
  ));
}

export class BudgetGuard {
  private readonly url: string;
  private readonly failOpen: boolean;
  private readonly timeoutMs: number;
  private readonly ttlSeconds: number;
  private readonly blockedCacheMs: number;
  private readonly catalog: PriceCatalog;
  private readonly defaultMaxOutputTokens: number;
  private readonly outputFloorTokens: number;
  private readonly streamIncrementTokens: number;
  private readonly unknownModelEstimateUsd: number;
  private readonly promptTokenCounter: PromptTokenCounter | undefined;
  private readonly tokenizers: boolean;
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
    this.outputFloorTokens = options.outputFloorTokens ?? 32;
    this.streamIncrementTokens = options.streamIncrementTokens ?? 256;
    this.unknownModelEstimateUsd = options.unknownModelEstimateUsd ?? 0.1;
    this.promptTokenCounter = options.promptTokenCounter;
    this.tokenizers = options.tokenizers ?? true;
    if (!(this.timeoutMs > 0)) throw new RangeError('BudgetGuard: timeoutMs must be > 0');
    if (!(this.unknownModelEstimateUsd >= 0 && Number.isFinite(this.unknownModelEstimateUsd)))
      throw new RangeError('BudgetGuard: unknownModelEstimateUsd must be a finite number >= 0');
    this.client = new ProcessorClient(this.url, options.token ?? process.env.GENOPS_TOKEN, this.timeoutMs);
  }

  /**
   * Prompt tokens of a request: the service's counter where it counts the model, else OpenAI's tokenizer for OpenAI
   * models (once loaded: `admitChat` loads it on the first OpenAI call), else the estimate with its stated margin.
   */
  promptTokens(params: ChatParams): number {
    const messages = params.messages ?? [];
    const model = String(params.model);
    return (
      this.promptTokenCounter?.(messages, model) ??
      (this.tokenizers ? openAiCounter?.(messages, model) : undefined) ??
      estimatePromptTokensWithMargin(messages)
    );
  }

  /** Prompt tokens of a request as `admitChat` counts them: OpenAI's tokenizer loaded first when the model needs it. */
  async countPromptTokens(params: ChatParams): Promise<number> {
    await this.tokenizerFor(String(params.model));
    return this.promptTokens(params);
  }

  /** Loads OpenAI's tokenizers when `model` is an OpenAI model they count and they are not loaded yet. */
  private async tokenizerFor(model: string): Promise<void> {
    if (this.tokenizers && !openAiCounter && (O200K_MODELS.test(model) || CL100K_MODELS.test(model)))
      await loadOpenAiTokenizer();
  }

  /**
   * Worst-case cost of a chat request: its prompt tokens (`promptTokens`) and every allowed output token. A model
   * the catalog cannot price reserves `unknownModelEstimateUsd`, never zero.
   */
  estimateChatCost(params: ChatParams): CallEstimate {
    const maxOut = Number(params.max_completion_tokens ?? params.max_tokens ?? this.defaultMaxOutputTokens);
    return this.estimateAt(
      String(params.model),
      this.promptTokens(params),
      Number.isFinite(maxOut) && maxOut > 0 ? Math.floor(maxOut) : this.defaultMaxOutputTokens,
    );
  }

  /** The cost of `promptTokens` in and `outputTokens` out on `model`, or the unpriced model's reservation. */
  private estimateAt(model: string, promptTokens: number, outputTokens: number): CallEstimate {
    const estimate = this.catalog.estimate(model, { inputTokens: promptTokens, outputTokens });
    if (estimate) return { usd: estimate.usd };
    return {
      usd: this.unknownModelEstimateUsd,
      basis: `no price for model ${model} in the catalog: reserved unknownModelEstimateUsd ${this.unknownModelEstimateUsd} USD`,
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

  private unreachable(request: AdmitRequest, cause: string): ReservationAnswer {
    instrumentsFor().guardUnreachable.add(1, {
      [ATTR_GENOPS_TEAM]: request.team,
      [ATTR_GENOPS_BUDGET_POLICY]: this.failOpen ? 'fail_open' : 'fail_closed',
    });
    if (this.failOpen) return { decision: 'ALLOWED', reasonCode: 'PROCESSOR_UNREACHABLE' };
    throw new ProcessorUnavailableError(request.team, `processor at ${this.url} unreachable: ${cause}`);
  }

  /** Asks the processor; an unreachable one answers by the fail-open policy (a decision without a reservation). */
  private async reserve(request: AdmitRequest): Promise<ReservationAnswer> {
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
    return JSON.parse(response.body) as ReservationAnswer;
  }

  /** Throws the BLOCKED answer as BudgetExceededError, remembered for the team for `blockedCacheMs`. */
  private blockedBy(team: string, reasonCode: string, reason: string): never {
    const error = new BudgetExceededError(team, reasonCode, reason);
    this.blocked.set(team, { until: Date.now() + this.blockedCacheMs, error });
    throw error;
  }

  private throwIfBlockedRecently(team: string): void {
    const cached = this.blocked.get(team);
    if (cached && cached.until > Date.now()) throw cached.error;
  }

  /** Reserves the estimate, or throws a CallBlockedError (BudgetExceededError, GuardRejectedError, ProcessorUnavailableError). */
  async admit(request: AdmitRequest): Promise<Admitted> {
    this.throwIfBlockedRecently(request.team);
    const answer = await this.reserve(request);
    if (answer.decision === 'BLOCKED')
      this.blockedBy(request.team, answer.reasonCode ?? 'BUDGET_EXCEEDED', answer.reason ?? 'blocked');
    return admittedFrom(answer);
  }

  /**
   * Admits a chat call capped to what it reserves. Under a hard budget the request's output cap (the caller's, else
   * `defaultMaxOutputTokens`) is what the reservation pays for — for a stream, its first `streamIncrementTokens`,
   * extended as the output arrives; when the budget's headroom cannot pay for that, the call is reserved and capped
   * at what the headroom pays for, or blocked (OUTPUT_FLOOR_UNAFFORDABLE) when that is under `outputFloorTokens`.
   */
  async admitChat(call: ChatAdmission): Promise<Admitted> {
    this.throwIfBlockedRecently(call.team);
    const maxOut = validCap(call.maxOutputTokens) ?? this.defaultMaxOutputTokens;
    const priceModel = call.priceModel ?? call.model;
    // Counted once (a tokenizer's count is not free): every reservation of the call prices the same prompt.
    const promptTokens = await this.countPromptTokens({ model: priceModel, messages: call.messages });
    const reserve = async (outputTokens: number) => {
      const estimate = this.estimateAt(priceModel, promptTokens, outputTokens);
      const answer = await this.reserve({
        team: call.team,
        ...(call.project ? { project: call.project } : {}),
        model: call.model,
        estimatedCostUsd: estimate.usd,
        ...(estimate.basis ? { estimateBasis: estimate.basis } : {}),
      });
      return { answer, hard: answer.budget?.enforcement === 'hard' && !estimate.basis };
    };
    const admitted = (answer: ReservationAnswer, outputTokens: number, cap: number): Admitted => ({
      ...admittedFrom(answer),
      maxOutputTokens: cap,
      ...(call.stream && answer.reservationId
        ? {
            stream: {
              reservationId: answer.reservationId,
              promptTokens,
              outputTokens,
              outputTokenUsd: outputTokenUsd(this.catalog, priceModel, promptTokens) ?? 0,
              incrementTokens: this.streamIncrementTokens,
              maxOutputTokens: cap,
            },
          }
        : {}),
    });
    const wanted = call.stream ? Math.min(maxOut, this.streamIncrementTokens) : maxOut;
    const { answer, hard } = await reserve(wanted);
    if (answer.decision !== 'BLOCKED') return hard ? admitted(answer, wanted, maxOut) : admittedFrom(answer);
    const budget = answer.budget;
    const affordable =
      hard && budget
        ? affordableOutputTokens(
            this.catalog,
            priceModel,
            promptTokens,
            budget.limitUsd - budget.spentUsd - budget.reservedUsd,
          )
        : undefined;
    // Unpriced, or not even the prompt fits: blocked as the processor decided.
    if (!affordable)
      return this.blockedBy(call.team, answer.reasonCode ?? 'BUDGET_EXCEEDED', answer.reason ?? 'blocked');
    if (affordable < this.outputFloorTokens)
      return this.blockedBy(
        call.team,
        'OUTPUT_FLOOR_UNAFFORDABLE',
        `what is left of team ${call.team}'s hard budget pays for ${affordable} output tokens of ${call.model}, under the floor of ${this.outputFloorTokens} (outputFloorTokens): ${answer.reason ?? ''}`,
      );
    const second = await reserve(Math.min(affordable, wanted));
    if (second.answer.decision === 'BLOCKED')
      return this.blockedBy(
        call.team,
        second.answer.reasonCode ?? 'BUDGET_EXCEEDED',
        second.answer.reason ?? 'blocked',
      );
    // Capped at what is left, a stream too: a provider that keeps generating after an abort would bill past a cut.
    return admitted(second.answer, Math.min(affordable, wanted), affordable);
  }

  /**
   * Reserves `amountUsd` more for a live reservation (a stream outgrowing it); false when the budget refuses, the
   * reservation is gone, or the processor cannot be reached and `failOpen` is off.
   */
  async extend(reservationId: string, amountUsd: number): Promise<boolean> {
    try {
      const response = await this.client.request(
        'POST',
        `/v1/reservations/${encodeURIComponent(reservationId)}/extend`,
        { amountUsd, ttlSeconds: this.ttlSeconds },
      );
      if (response.status >= 500) return this.failOpen;
      if (response.status !== 200) return false;
      return (JSON.parse(response.body) as ReservationAnswer).decision !== 'BLOCKED';
    } catch (error) {
      if (error instanceof ProcessorUnreachableError) return this.failOpen;
      throw error;
    }
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

const validCap = (n: number | undefined) =>
  n !== undefined && Number.isFinite(n) && n > 0 ? Math.floor(n) : undefined;

function admittedFrom(answer: ReservationAnswer): Admitted {
  return {
    decision: answer.decision,
    ...(answer.reservationId ? { reservationId: answer.reservationId } : {}),
    ...(answer.reasonCode ? { reasonCode: answer.reasonCode } : {}),
  };
}
