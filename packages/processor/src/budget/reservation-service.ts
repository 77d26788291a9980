// Reservations as the API offers them: a call admitted (and reserved) or blocked against every budget covering it,
// atomically; a stream's reservation extended; released; expired once the consumer has caught up.
import { randomUUID } from 'node:crypto';
import { usdToNanoUsd } from '@genops/pricing';
import { z } from 'zod';
import { GenOpsError, ValidationError } from '../errors.js';
import type { DecisionEntry } from '../enforcement/decision-log.js';
import { coveringBudgets, scopedCall } from './budget-scope.js';
import type { BudgetPolicy } from './budget-spec.js';
import type { BudgetStore } from './budget-store.js';
import { coveringPolicy, decideCovering } from './covering-decision.js';
import type { Admission, BudgetStatus } from './decision.js';
import type { KnownBudgets } from './known-budgets.js';
import { ExtensionRequestSchema, ReservationRequestSchema } from './reservation-request.js';

/**
 * Expired reservation rows swept per transaction, the event loop free between batches: a batch of 200 (50 calls
 * under four budgets) held admissions ~2 ms (bench:budgets' profile); 64 hold them well under one.
 */
const EXPIRY_BATCH = 64;

/**
 * How often a sweep starts from the first expiry instead of where the last one ended: for rows it passed over (a
 * settlement held them) or that expired before it by another host's clock.
 */
const FULL_SWEEP_EVERY_MS = 30_000;

export interface ReservationResult extends Admission {
  reservationId?: string;
  /** The budget that decided: the one that blocked, else the one nearest its limit. */
  budget?: BudgetStatus;
  /** Every budget covering the call, when more than one does. */
  budgets?: BudgetStatus[];
  /** The tightest policy of the budgets covering the call: BudgetGuard caps the call's output by it. */
  policy?: BudgetPolicy;
}

export interface BudgetServiceOptions {
  /** The price catalog's id for a model name (policies match either), e.g. `anthropic/claude-sonnet-4.5`. */
  catalogModel?: (name: string) => string;
}

/** The first zod issue as a 400 naming the field. */
export function firstIssue(error: z.ZodError, prefix = ''): ValidationError {
  const issue = error.issues[0]!;
  return new ValidationError(`${prefix}${issue.path.join('.') || '(body)'}`, issue.message);
}

/** The answer for a call no budget covers: allowed, and said why. */
const noBudget = (team: string) =>
  ({ decision: 'ALLOWED', reasonCode: 'NO_BUDGET', reason: `no budget covers team ${team}'s call` }) as const;

const notFound = (id: string) => new GenOpsError('NOT_FOUND', `no live reservation ${id}`, 404);

export class ReservationService {
  /** Where the last sweep that ran to its end stopped: nothing expired before it is left but what it passed over. */
  private sweptToMs = 0;
  private nextFullSweepMs = 0;

  constructor(
    private readonly store: BudgetStore,
    private readonly known: KnownBudgets,
    private readonly clock: () => number,
    /** Every admission decision, for the metrics and the decision log. */
    private readonly onDecision: (entry: DecisionEntry) => void,
    private readonly options: BudgetServiceOptions,
  ) {}
  /** Admits (and reserves) or blocks a call, atomically against every other reservation of its budgets. */
  async reserve(body: unknown): Promise<ReservationResult> {
    const parsed = ReservationRequestSchema.safeParse(body);
    if (!parsed.success) throw firstIssue(parsed.error);
    return this.reserveParsed(parsed.data);
  }

  /**
   * `reserve` for a request already validated by ReservationRequestSchema (the HTTP route's declaration). Each budget
   * covering the call applies its policy first (a refusal blocks whatever the limits); then the call is reserved
   * against all of them at once, and admitted only if each can take it.
   */
  async reserveParsed(request: z.output<typeof ReservationRequestSchema>): Promise<ReservationResult> {
    const now = this.clock();
    const estimateNano = usdToNanoUsd(request.estimatedCostUsd);
    const call = {
      timeMs: now,
      team: request.team,
      model: request.model,
      estimateNano,
      ...(request.project !== undefined ? { project: request.project } : {}),
    };
    const { scopes, specs } = await this.known.get();
    const covering = coveringBudgets(scopes, scopedCall(request));
    const { refused, policy } = coveringPolicy(
      covering,
      specs,
      { model: request.model, estimateNano },
      () => this.options.catalogModel?.(request.model) ?? request.model,
    );
    if (refused) {
      const blocked = { decision: 'BLOCKED', ...refused } as const;
      this.onDecision({ ...call, ...blocked });
      return { ...blocked, ...(policy ? { policy } : {}) };
    }
    const id = randomUUID();
    const outcome = covering.length
      ? await this.store.reserve({
          id,
          team: request.team,
          budgets: covering,
          model: request.model,
          amountNano: estimateNano,
          nowMs: now,
          expiresMs: now + request.ttlSeconds * 1000,
        })
      : undefined;
    if (!outcome) {
      const allowed = noBudget(request.team);
      this.onDecision({ ...call, ...allowed });
      return allowed;
    }
    const result = decideCovering(outcome.budgets, outcome.admitted, estimateNano, now);
    const admission: Admission = request.estimateBasis
      ? {
          ...result.admission,
          reason: [result.admission.reason, `estimate: ${request.estimateBasis}`].filter(Boolean).join('; '),
        }
      : result.admission;
    this.onDecision({ ...call, ...admission, ...(outcome.admitted ? { reservationId: id } : {}) });
    return {
      ...admission,
      ...(outcome.admitted ? { reservationId: id } : {}),
      budget: result.decisive,
      ...(result.all.length > 1 ? { budgets: result.all } : {}),
      ...(policy ? { policy } : {}),
    };
  }

  /**
   * Extends a live reservation by `amountUsd` when every budget it is held against can take it (BLOCKED otherwise:
   * the stream it pays for is cut). With `teams` (a team-scoped caller), only one of those teams' (else 404: no leak).
   */
  async extend(
    id: string,
    request: z.output<typeof ExtensionRequestSchema>,
    teams?: ReadonlySet<string>,
  ): Promise<ReservationResult> {
    await this.refuseOutsideTeams(id, teams);
    const now = this.clock();
    const amountNano = usdToNanoUsd(request.amountUsd);
    const extended = await this.store.extend({
      id,
      amountNano,
      nowMs: now,
      expiresMs: now + request.ttlSeconds * 1000,
    });
    if (!extended) throw notFound(id);
    const call = { timeMs: now, team: extended.team, model: '', estimateNano: amountNano, reservationId: id };
    if (!extended.outcome) {
      const allowed = noBudget(extended.team);
      this.onDecision({ ...call, ...allowed });
      return { ...allowed, reservationId: id };
    }
    const { admission, decisive, all } = decideCovering(
      extended.outcome.budgets,
      extended.outcome.admitted,
      amountNano,
      now,
    );
    this.onDecision({ ...call, ...admission });
    return {
      ...admission,
      reservationId: id,
      budget: decisive,
      ...(all.length > 1 ? { budgets: all } : {}),
    };
  }

  /** Releases a reservation; with `teams` (a team-scoped caller), only one of those teams' (else 404: no leak). */
  async release(id: string, teams?: ReadonlySet<string>): Promise<void> {
    await this.refuseOutsideTeams(id, teams);
    if (!(await this.store.release(id))) throw notFound(id);
  }

  /** A team-scoped caller reaches only its teams' reservations: any other is a 404, as if it did not exist. */
  private async refuseOutsideTeams(id: string, teams: ReadonlySet<string> | undefined): Promise<void> {
    if (!teams) return;
    const team = await this.store.reservationTeam(id);
    if (team === undefined || !teams.has(team)) throw notFound(id);
  }

  /**
   * Removes reservations whose TTL passed before `caughtUpMs`: the time up to which every cost span produced has
   * been written to the ledger. While the consumer lags, an expired reservation keeps its amount counted, since
   * its span may still be on the way; the call is never forgotten and never counted twice.
   */
  async expire(caughtUpMs: number): Promise<number> {
    const now = this.clock();
    const until = Math.min(caughtUpMs, now);
    // A sweep starts where the last one ended: deleted rows stay in the expiry index until a vacuum, and a read from
    // the first expiry walked all of them (PostgreSQL at 1,000 calls a second: 3–13 ms, both processors, every
    // sweep). Every FULL_SWEEP_EVERY_MS one starts from the first, for the rows the others passed over.
    const full = now >= this.nextFullSweepMs;
    let fromMs = full ? 0 : Math.min(this.sweptToMs, until);
    const swept = () => {
      this.sweptToMs = until;
      if (full) this.nextFullSweepMs = now + FULL_SWEEP_EVERY_MS;
    };
    // Most sweeps find nothing: they only read (store.anyExpired).
    if (!(await this.store.anyExpired(until, fromMs))) {
      swept();
      return 0;
    }
    let expired = 0;
    for (;;) {
      // Small batches with the event loop free between them: admissions never wait behind a long sweep. Each starts
      // where the one before reached (rows a settlement held are passed over, and taken by a full sweep).
      // A call held against several budgets has a row for each: a batch of rows may be fewer calls.
      const step = await this.store.expireReservations(until, EXPIRY_BATCH, fromMs);
      expired += step.calls;
      if (step.reachedMs === undefined) {
        // Another processor sweeping has not said where it ends: this one starts from the same place next time.
        if (!step.busy) swept();
        return expired;
      }
      fromMs = step.reachedMs ?? fromMs;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
