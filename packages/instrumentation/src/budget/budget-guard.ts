// Stops a call before it is made when the team's hard budget cannot take it: reserve its worst-case cost at the
// processor, throw BudgetExceededError on BLOCKED, release on failure; the call's cost span settles the rest.
import { BudgetExceededError } from '../errors.js';
import { PriceCatalog } from '@genops/pricing';
import { ProcessorClient } from './processor-client.js';
import { ReservationsClient } from './reservations-client.js';
import { affordableOutputTokens, outputTokenUsd } from './output-cap.js';
import { PolicyMemory, policyCap, type CallPolicy } from './call-policy.js';
import type {
  AdmitRequest,
  Admitted,
  BudgetGuardOptions,
  CallEstimate,
  CallScope,
  ChatAdmission,
  ChatParams,
  ReservationAnswer,
} from './guard-types.js';
import { CallEstimator } from './call-estimator.js';

/** A chat call being admitted: what it asks, the catalog's id it is priced under, its prompt as counted. */
interface ChatContext {
  call: ChatAdmission;
  priceModel: string;
  promptTokens: number;
}

/** Reason codes of a policy's refusal (budget-policy.ts in the processor). */
const POLICY_REFUSALS = new Set(['MODEL_NOT_ALLOWED', 'CALL_TOO_EXPENSIVE']);

export class BudgetGuard {
  private readonly blockedCacheMs: number;
  private readonly catalog: PriceCatalog;
  private readonly estimator: CallEstimator;
  private readonly defaultMaxOutputTokens: number;
  private readonly outputFloorTokens: number;
  private readonly streamIncrementTokens: number;
  private readonly processor: ReservationsClient;
  private readonly blocked = new Map<string, { until: number; error: BudgetExceededError }>();
  private readonly policies = new PolicyMemory(1000);

  constructor(options: BudgetGuardOptions = {}) {
    const url = (options.url ?? process.env.GENOPS_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
    const timeoutMs = options.timeoutMs ?? 2000;
    if (!(timeoutMs > 0)) throw new RangeError('BudgetGuard: timeoutMs must be > 0');
    this.blockedCacheMs = options.blockedCacheMs ?? 1000;
    this.catalog = options.priceCatalog ?? PriceCatalog.bundled();
    this.defaultMaxOutputTokens = options.defaultMaxOutputTokens ?? 1024;
    this.outputFloorTokens = options.outputFloorTokens ?? 32;
    this.streamIncrementTokens = options.streamIncrementTokens ?? 256;
    this.estimator = new CallEstimator(this.catalog, {
      ...options,
      defaultMaxOutputTokens: this.defaultMaxOutputTokens,
    });
    this.processor = new ReservationsClient(
      new ProcessorClient(url, options.token ?? process.env.GENOPS_TOKEN, timeoutMs),
      { url, ttlSeconds: options.ttlSeconds ?? 300, failOpen: options.failOpen ?? true },
    );
  }

  /** Prompt tokens of a request as counted so far (see CallEstimator.promptTokens). */
  promptTokens(params: ChatParams): number {
    return this.estimator.promptTokens(params);
  }

  /** Prompt tokens of a request as `admitChat` counts them: OpenAI's tokenizer loaded first when the model needs it. */
  countPromptTokens(params: ChatParams): Promise<number> {
    return this.estimator.countPromptTokens(params);
  }

  /** Worst-case cost of a chat request (see CallEstimator.estimateChatCost). */
  estimateChatCost(params: ChatParams): CallEstimate {
    return this.estimator.estimateChatCost(params);
  }

  /** @deprecated use estimateChatCost, which also says what the estimate rests on. */
  estimateChatCostUsd(params: ChatParams): number {
    return this.estimateChatCost(params).usd;
  }

  /**
   * Throws the BLOCKED answer as BudgetExceededError, remembered for calls of the same scope and model for
   * `blockedCacheMs` (a customer's exhausted budget does not stop the team's other customers) — unless a policy
   * refused it: that concerns the call (its model, its cost), not the scope's other calls.
   */
  private blockedBy(call: CallScope & { model: string }, reasonCode: string, reason: string): never {
    const error = new BudgetExceededError(call.team, reasonCode, reason);
    if (!POLICY_REFUSALS.has(reasonCode))
      this.blocked.set(scopeId(call), { until: Date.now() + this.blockedCacheMs, error });
    throw error;
  }

  private throwIfBlockedRecently(call: CallScope & { model: string }): void {
    const cached = this.blocked.get(scopeId(call));
    if (cached && cached.until > Date.now()) throw cached.error;
  }

  /** Reserves the estimate, or throws a CallBlockedError (BudgetExceededError, GuardRejectedError, ProcessorUnavailableError). */
  async admit(request: AdmitRequest): Promise<Admitted> {
    this.throwIfBlockedRecently(request);
    const answer = await this.processor.reserve(request);
    if (answer.decision === 'BLOCKED')
      this.blockedBy(request, answer.reasonCode ?? 'BUDGET_EXCEEDED', answer.reason ?? 'blocked');
    return admittedFrom(answer);
  }

  /**
   * Admits a chat call capped to what it reserves. Under a hard budget the request's output cap (the caller's, else
   * `defaultMaxOutputTokens`) is what the reservation pays for — for a stream, its first `streamIncrementTokens`,
   * extended as the output arrives; when the budget's headroom cannot pay for that, the call is reserved and capped
   * at what the headroom pays for, or blocked (OUTPUT_FLOOR_UNAFFORDABLE) when that is under `outputFloorTokens`.
   */
  async admitChat(call: ChatAdmission): Promise<Admitted> {
    this.throwIfBlockedRecently(call);
    const priceModel = call.priceModel ?? call.model;
    // Counted once (a tokenizer's count is not free): every reservation of the call prices the same prompt.
    const promptTokens = await this.countPromptTokens({ model: priceModel, messages: call.messages });
    const chat: ChatContext = { call, priceModel, promptTokens };
    const requested = validCap(call.maxOutputTokens) ?? this.defaultMaxOutputTokens;
    const known = this.policies.get(scopeId(call));
    const maxOut = this.capByPolicy(chat, known, requested);
    if (maxOut < Math.min(requested, this.outputFloorTokens)) return this.tooExpensive(chat, known, maxOut);
    const wanted = call.stream ? Math.min(maxOut, this.streamIncrementTokens) : maxOut;
    const { answer, hard } = await this.reserveChat(chat, wanted);
    if (answer.decision !== 'BLOCKED') {
      // A policy first named in this answer caps this very call already (what was reserved still pays for it).
      const cap = known ? maxOut : this.capByPolicy(chat, answer.policy, maxOut);
      if (cap < Math.min(maxOut, this.outputFloorTokens)) {
        if (answer.reservationId) void this.release(answer.reservationId);
        return this.tooExpensive(chat, answer.policy, cap);
      }
      if (hard) return this.admittedChat(chat, answer, wanted, cap);
      return cap < requested ? { ...admittedFrom(answer), maxOutputTokens: cap } : admittedFrom(answer);
    }
    // Estimated above the policy's maximum before the guard knew it: again, capped by it now.
    if (answer.reasonCode === 'CALL_TOO_EXPENSIVE' && !known && answer.policy) return this.admitChat(call);
    if (POLICY_REFUSALS.has(answer.reasonCode ?? ''))
      return this.blockedBy(call, answer.reasonCode!, answer.reason ?? 'refused by policy');
    return this.admitAtHeadroom(chat, answer, hard, wanted);
  }

  /** `cap` lowered to what the call's policy allows: its maxOutputTokens, and what its maxCallCostUsd pays for. */
  private capByPolicy(chat: ChatContext, policy: CallPolicy | undefined, cap: number): number {
    return Math.min(cap, policyCap(policy, this.catalog, chat.priceModel, chat.promptTokens) ?? Infinity);
  }

  private tooExpensive(chat: ChatContext, policy: CallPolicy | undefined, outputTokens: number): never {
    return this.blockedBy(
      chat.call,
      'CALL_TOO_EXPENSIVE',
      `team ${chat.call.team}'s policy (maxCallCostUsd ${policy?.maxCallCostUsd}, maxOutputTokens ${policy?.maxOutputTokens}) leaves ${outputTokens} output tokens of ${chat.call.model}, under the floor of ${this.outputFloorTokens}`,
    );
  }

  /** Reserves the call's prompt and `outputTokens` of output; remembers the policy the processor names. */
  private async reserveChat(
    { call, priceModel, promptTokens }: ChatContext,
    outputTokens: number,
  ): Promise<{ answer: ReservationAnswer; hard: boolean }> {
    const estimate = this.estimator.estimateAt(priceModel, promptTokens, outputTokens);
    const answer = await this.processor.reserve({
      ...callScope(call),
      model: call.model,
      estimatedCostUsd: estimate.usd,
      ...(estimate.basis ? { estimateBasis: estimate.basis } : {}),
    });
    this.policies.remember(scopeId(call), answer.policy);
    return { answer, hard: hardBudgets(answer).length > 0 && !estimate.basis };
  }

  /** An admitted call under a hard budget: capped at `cap`; a stream held to a reservation of `outputTokens` so far. */
  private admittedChat(
    { call, priceModel, promptTokens }: ChatContext,
    answer: ReservationAnswer,
    outputTokens: number,
    cap: number,
  ): Admitted {
    return {
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
    };
  }

  /**
   * A call its hard budget's headroom cannot pay for whole: reserved and capped at what the headroom pays for, or
   * blocked when that is under `outputFloorTokens` (or nothing: unpriced, or not even the prompt fits).
   */
  private async admitAtHeadroom(
    chat: ChatContext,
    answer: ReservationAnswer,
    hard: boolean,
    wanted: number,
  ): Promise<Admitted> {
    const { call } = chat;
    const headroom = hardHeadroomUsd(answer);
    const affordable =
      hard && headroom !== undefined
        ? affordableOutputTokens(this.catalog, chat.priceModel, chat.promptTokens, headroom)
        : undefined;
    if (!affordable)
      return this.blockedBy(call, answer.reasonCode ?? 'BUDGET_EXCEEDED', answer.reason ?? 'blocked');
    if (affordable < this.outputFloorTokens)
      return this.blockedBy(
        call,
        'OUTPUT_FLOOR_UNAFFORDABLE',
        `what is left of the hard budgets covering team ${call.team}'s call pays for ${affordable} output tokens of ${call.model}, under the floor of ${this.outputFloorTokens} (outputFloorTokens): ${answer.reason ?? ''}`,
      );
    const second = await this.reserveChat(chat, Math.min(affordable, wanted));
    if (second.answer.decision === 'BLOCKED')
      return this.blockedBy(
        call,
        second.answer.reasonCode ?? 'BUDGET_EXCEEDED',
        second.answer.reason ?? 'blocked',
      );
    // Capped at what is left, a stream too: a provider that keeps generating after an abort would bill past a cut.
    return this.admittedChat(chat, second.answer, Math.min(affordable, wanted), affordable);
  }

  /**
   * Reserves `amountUsd` more for a live reservation (a stream outgrowing it); false when the budget refuses, the
   * reservation is gone, or the processor cannot be reached and `failOpen` is off.
   */
  extend(reservationId: string, amountUsd: number): Promise<boolean> {
    return this.processor.extend(reservationId, amountUsd);
  }

  /** Releases a reservation whose call failed or was aborted. Never throws. */
  release(reservationId: string): Promise<void> {
    return this.processor.release(reservationId);
  }

  /** Closes the keep-alive sockets (a guard otherwise keeps none open past their idle timeout). */
  close(): void {
    this.processor.close();
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

/** The scope fields of a call (what the processor's budgets are chosen by), without its other fields. */
function callScope(call: CallScope): CallScope {
  return {
    team: call.team,
    ...(call.project ? { project: call.project } : {}),
    ...(call.customer ? { customer: call.customer } : {}),
    ...(call.feature ? { feature: call.feature } : {}),
    ...(call.environment ? { environment: call.environment } : {}),
  };
}

/** One key per scope and model: what a BLOCKED answer and a policy are remembered by. */
function scopeId(call: CallScope & { model: string }): string {
  return JSON.stringify([call.team, call.project, call.customer, call.feature, call.environment, call.model]);
}

/** The hard budgets covering a call, as the processor answered (every one, when several cover it). */
function hardBudgets(answer: ReservationAnswer): NonNullable<ReservationAnswer['budget']>[] {
  const all = answer.budgets ?? (answer.budget ? [answer.budget] : []);
  return all.filter((b) => b.enforcement === 'hard');
}

/** What the tightest hard budget covering a call has left, USD; undefined when none is hard. */
function hardHeadroomUsd(answer: ReservationAnswer): number | undefined {
  const left = hardBudgets(answer).map((b) => b.limitUsd - b.spentUsd - b.reservedUsd);
  return left.length ? Math.min(...left) : undefined;
}
