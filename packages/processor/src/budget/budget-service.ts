// Budgets and reservations as the API offers them: validation, periods, decisions, atomic admission.
import { randomUUID } from 'node:crypto';
import { usdToNanoUsd } from '@genops/pricing';
import { z } from 'zod';
import { ValidationError, GenOpsError } from '../errors.js';
import { BudgetSpecSchema, type BudgetPolicy, type BudgetSpec } from './budget-spec.js';
import { refusal } from './budget-policy.js';
import { ExtensionRequestSchema, ReservationRequestSchema } from './reservation-request.js';
import type { DecisionEntry } from '../enforcement/decision-log.js';
import type { BudgetStore, RecountResult } from './budget-store.js';
import { budgetStatus, decide, type Admission, type BudgetStatus } from './decision.js';

const EXPIRY_BATCH = 200;
/** How long a processor reuses a team's policy: a change made through another processor holds within this. */
const POLICY_CACHE_MS = 1000;

export interface ReservationResult extends Admission {
  reservationId?: string;
  budget?: BudgetStatus;
  /** The team's policy, when it has one: BudgetGuard caps the call's output by it. */
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

/** The answer for a team without a budget: allowed, and said why. */
const noBudget = (team: string) =>
  ({ decision: 'ALLOWED', reasonCode: 'NO_BUDGET', reason: `team ${team} has no budget` }) as const;

const notFound = (id: string) => new GenOpsError('NOT_FOUND', `no live reservation ${id}`, 404);

export class BudgetService {
  private readonly policies = new Map<string, { policy: BudgetPolicy | undefined; untilMs: number }>();

  constructor(
    private readonly store: BudgetStore,
    private readonly clock: () => number = Date.now,
    /** Every admission decision, for the metrics and the decision log. */
    private readonly onDecision: (entry: DecisionEntry) => void = () => {},
    private readonly options: BudgetServiceOptions = {},
  ) {}

  /** The team's policy, read at most once a second per processor (and at once after a change made here). */
  private async policyOf(team: string): Promise<BudgetPolicy | undefined> {
    const now = this.clock();
    const cached = this.policies.get(team);
    if (cached && cached.untilMs > now) return cached.policy;
    const policy = (await this.store.getBudget(team))?.policy;
    this.policies.set(team, { policy, untilMs: now + POLICY_CACHE_MS });
    return policy;
  }

  /** A 409 when the budgets file, not the API, manages the team's budget. */
  private async refuseFileManaged(team: string, change: string): Promise<void> {
    const file = (await this.store.budgetManagers()).get(team);
    if (file) {
      throw new GenOpsError(
        'MANAGED_BY_FILE',
        `team ${team}'s budget is managed by the budgets file ${file} (GENOPS_BUDGETS_FILE): ${change} it there, or remove it from the file to manage it through the API`,
        409,
        { file },
      );
    }
  }

  /**
   * Makes the budgets file's declarations true: each budget it names is stored as managed by the file, and a
   * budget the file managed before but no longer names is deleted. Budgets made through the API for other teams
   * are left alone; one the file now names is taken over by the file (returned, to be logged).
   */
  async applyFile(
    path: string,
    specs: readonly BudgetSpec[],
  ): Promise<{ takenOver: string[]; removed: string[] }> {
    const managers = await this.store.budgetManagers();
    const takenOver = specs.filter((s) => managers.get(s.team) === '').map((s) => s.team);
    for (const spec of specs) await this.store.putBudget(spec, this.clock(), path);
    this.policies.clear();
    const named = new Set(specs.map((s) => s.team));
    const removed = [...managers]
      .filter(([team, file]) => file === path && !named.has(team))
      .map(([team]) => team);
    for (const team of removed) await this.store.deleteBudget(team);
    return { takenOver, removed };
  }

  /** Validates and stores a budget; `team` comes from the path. */
  async put(team: string, body: unknown): Promise<BudgetStatus> {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new ValidationError('(body)', 'must be a JSON object');
    const given = body as Record<string, unknown>;
    if (given.team !== undefined && given.team !== team)
      throw new ValidationError('team', `must match the path (${team})`);
    const parsed = BudgetSpecSchema.safeParse({ ...given, team });
    if (!parsed.success) throw firstIssue(parsed.error);
    await this.refuseFileManaged(team, 'change');
    await this.store.putBudget(parsed.data, this.clock(), '');
    this.policies.delete(team);
    return (await this.status(team))!;
  }

  async status(team: string): Promise<BudgetStatus | undefined> {
    const now = this.clock();
    const counters = await this.store.counters(team, now);
    return (
      counters && budgetStatus(counters.spec, counters.period, now, counters.spentNano, counters.reservedNano)
    );
  }

  /** Every budget's status, from one read of the counters (a `/metrics` scrape calls it once). */
  async list(): Promise<BudgetStatus[]> {
    const now = this.clock();
    return (await this.store.allCounters(now)).map((c) =>
      budgetStatus(c.spec, c.period, now, c.spentNano, c.reservedNano),
    );
  }

  async remove(team: string): Promise<boolean> {
    await this.refuseFileManaged(team, 'delete');
    this.policies.delete(team);
    return this.store.deleteBudget(team);
  }

  /** Admits (and reserves) or blocks a call, atomically against every other reservation of the team. */
  async reserve(body: unknown): Promise<ReservationResult> {
    const parsed = ReservationRequestSchema.safeParse(body);
    if (!parsed.success) throw firstIssue(parsed.error);
    return this.reserveParsed(parsed.data);
  }

  /** `reserve` for a request already validated by ReservationRequestSchema (the HTTP route's declaration). */
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
    const policy = await this.policyOf(request.team);
    // The catalog's id is looked up only for a team with a policy: admission stays a counter update otherwise.
    const refused =
      policy &&
      refusal(policy, {
        team: request.team,
        model: request.model,
        catalogModel: this.options.catalogModel?.(request.model) ?? request.model,
        estimateNano,
      });
    if (refused) {
      const blocked = { decision: 'BLOCKED', ...refused } as const;
      this.onDecision({ ...call, ...blocked });
      return { ...blocked, ...(policy ? { policy } : {}) };
    }
    const id = randomUUID();
    const outcome = await this.store.reserve({
      id,
      team: request.team,
      model: request.model,
      amountNano: estimateNano,
      nowMs: now,
      expiresMs: now + request.ttlSeconds * 1000,
    });
    if (!outcome) {
      const allowed = noBudget(request.team);
      this.onDecision({ ...call, ...allowed });
      return allowed;
    }
    const { spec, period, spentNano, reservedNano, admitted } = outcome;
    const decided = decide(spec, period, spentNano, reservedNano, estimateNano);
    const admission: Admission = request.estimateBasis
      ? {
          ...decided,
          reason: [decided.reason, `estimate: ${request.estimateBasis}`].filter(Boolean).join('; '),
        }
      : decided;
    this.onDecision({ ...call, ...admission, ...(admitted ? { reservationId: id } : {}) });
    const reserved = reservedNano + (admitted ? estimateNano : 0n);
    return {
      ...admission,
      ...(admitted ? { reservationId: id } : {}),
      budget: budgetStatus(spec, period, now, spentNano, reserved),
      ...(spec.policy ? { policy: spec.policy } : {}),
    };
  }

  /**
   * Extends a live reservation by `amountUsd` when its team's budget can take it (BLOCKED otherwise: the stream it
   * pays for is cut). With `teams` (a team-scoped caller), only one of those teams' (else 404: no leak).
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
    const { spec, period, spentNano, reservedNano, admitted } = extended.outcome;
    const admission = decide(spec, period, spentNano, reservedNano, amountNano);
    this.onDecision({ ...call, ...admission });
    return {
      ...admission,
      reservationId: id,
      budget: budgetStatus(spec, period, now, spentNano, reservedNano + (admitted ? amountNano : 0n)),
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
    const until = Math.min(caughtUpMs, this.clock());
    let expired = 0;
    for (;;) {
      // Small batches with the event loop free between them: admissions never wait behind a long sweep.
      const n = await this.store.expireReservations(until, EXPIRY_BATCH);
      expired += n;
      if (n < EXPIRY_BATCH) return expired;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Rebuilds counters from the raw rows (one team or all). */
  async recount(team?: string): Promise<RecountResult[]> {
    return this.store.recount(this.clock(), team);
  }
}
