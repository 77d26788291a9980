// Budgets and reservations as the API offers them: validation, scopes, periods, decisions, atomic admission against
// every budget covering a call.
import { randomUUID } from 'node:crypto';
import { usdToNanoUsd } from '@genops/pricing';
import { z } from 'zod';
import { ValidationError, GenOpsError } from '../errors.js';
import {
  coveringBudgets,
  isTemplate,
  parseScopeKey,
  scopedCall,
  scopeLabel,
  SCOPE_DIMENSIONS,
  type ScopeDefinition,
  type ScopedCall,
} from './budget-scope.js';
import { BudgetSpecSchema, specKey, specScope, type BudgetPolicy, type BudgetSpec } from './budget-spec.js';
import { refusal, tightestPolicy } from './budget-policy.js';
import { ExtensionRequestSchema, ReservationRequestSchema } from './reservation-request.js';
import type { DecisionEntry } from '../enforcement/decision-log.js';
import type { BudgetCounters, BudgetStore, RecountResult } from './budget-store.js';
import { budgetStatus, counterLabel, decide, type Admission, type BudgetStatus } from './decision.js';

const EXPIRY_BATCH = 200;
/**
 * How long a processor reuses the budgets it knows (which cover a call, their policies): a budget made, changed or
 * deleted through another processor holds for admissions within this. Spend is always counted exactly: ingest reads
 * them in its transaction.
 */
const DEFINITIONS_CACHE_MS = 1000;
/** A template's counters shown with it: the values nearest their limit. */
const TEMPLATE_TOP = 10;

export interface ReservationResult extends Admission {
  reservationId?: string;
  /** The budget that decided: the one that blocked, else the one nearest its limit. */
  budget?: BudgetStatus;
  /** Every budget covering the call, when more than one does. */
  budgets?: BudgetStatus[];
  /** The tightest policy of the budgets covering the call: BudgetGuard caps the call's output by it. */
  policy?: BudgetPolicy;
}

/** A budget as the metrics show it: its scope in words, and for a template its counter nearest the limit. */
export interface BudgetGauge extends BudgetStatus {
  scope: string;
  /** How many counters it keeps: 1, or a template's count. */
  counters: number;
}

/** A template with the counters it has made: how many, and those nearest their limit. */
export interface TemplateCounters {
  count: number;
  top: BudgetStatus[];
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

/** Budgets known to this processor, refreshed at most once a second: which cover a call, and their specs. */
interface Definitions {
  scopes: ScopeDefinition[];
  specs: Map<string, BudgetSpec>;
  untilMs: number;
}

/** How bad a decision is: the worst one decides a call several budgets cover. */
const SEVERITY = { ALLOWED: 0, WARNING: 1, BLOCKED: 2 } as const;

export class BudgetService {
  private definitions: Definitions | undefined;

  constructor(
    private readonly store: BudgetStore,
    private readonly clock: () => number = Date.now,
    /** Every admission decision, for the metrics and the decision log. */
    private readonly onDecision: (entry: DecisionEntry) => void = () => {},
    private readonly options: BudgetServiceOptions = {},
  ) {}

  private async known(): Promise<Definitions> {
    const now = this.clock();
    if (this.definitions && this.definitions.untilMs > now) return this.definitions;
    const specs = new Map((await this.store.listBudgets()).map((s) => [specKey(s), s]));
    const scopes = [...specs].map(([key, spec]) => ({ key, scope: specScope(spec) }));
    this.definitions = { scopes, specs, untilMs: now + DEFINITIONS_CACHE_MS };
    return this.definitions;
  }

  /** The keys of the counters covering each of `calls` (the alerts to check after an ingest). */
  async coveringKeys(calls: Iterable<Partial<ScopedCall>>): Promise<string[]> {
    const { scopes } = await this.known();
    const keys = new Set<string>();
    for (const call of calls) for (const c of coveringBudgets(scopes, scopedCall(call))) keys.add(c.key);
    return [...keys];
  }

  /** A 409 when the budgets file, not the API, manages the budget. */
  private async refuseFileManaged(key: string, change: string): Promise<void> {
    const file = (await this.store.budgetManagers()).get(key);
    if (file) {
      throw new GenOpsError(
        'MANAGED_BY_FILE',
        `the budget of ${scopeLabel(parseScopeKey(key) ?? {})} is managed by the budgets file ${file} (GENOPS_BUDGETS_FILE): ${change} it there, or remove it from the file to manage it through the API`,
        409,
        { file },
      );
    }
  }

  /**
   * Makes the budgets file's declarations true: each budget it names is stored as managed by the file, and a
   * budget the file managed before but no longer names is deleted. Budgets made through the API for other scopes
   * are left alone; one the file now names is taken over by the file (returned by key, to be logged).
   */
  async applyFile(
    path: string,
    specs: readonly BudgetSpec[],
  ): Promise<{ takenOver: string[]; removed: string[] }> {
    const managers = await this.store.budgetManagers();
    const takenOver = specs.map(specKey).filter((key) => managers.get(key) === '');
    for (const spec of specs) await this.store.putBudget(spec, this.clock(), path);
    const named = new Set(specs.map(specKey));
    const removed = [...managers]
      .filter(([key, file]) => file === path && !named.has(key))
      .map(([key]) => key);
    for (const key of removed) await this.store.deleteBudget(key);
    this.definitions = undefined;
    return { takenOver, removed };
  }

  /** Validates and stores a team's budget (the per-team routes); `team` comes from the path. */
  async put(team: string, body: unknown): Promise<BudgetStatus> {
    const given = objectBody(body);
    if (given.team !== undefined && given.team !== team)
      throw new ValidationError('team', `must match the path (${team})`);
    return this.putScoped({ ...given, team });
  }

  /**
   * Validates and stores a budget for the scope its body names (any combination of team, project, customer, feature,
   * environment and model, `*` for each value; or `org: true`). With `key` (from the path), the body's scope must
   * be the key's; a body naming none takes the key's.
   */
  async putScoped(body: unknown, key?: string): Promise<BudgetStatus> {
    let given = objectBody(body);
    if (key !== undefined) {
      const scope = parseScopeKey(key);
      if (!scope) throw new ValidationError('key', `not a budget scope: ${key}`);
      const named = SCOPE_DIMENSIONS.some((d) => given[d] !== undefined) || given.org !== undefined;
      if (!named) given = { ...given, ...scope, ...(key === 'org' ? { org: true } : {}) };
    }
    const parsed = BudgetSpecSchema.safeParse(given);
    if (!parsed.success) throw firstIssue(parsed.error);
    const spec = parsed.data;
    if (key !== undefined && specKey(spec) !== key)
      throw new ValidationError('(body)', `names the scope ${specKey(spec)}, not the path's ${key}`);
    await this.refuseFileManaged(specKey(spec), 'change');
    await this.store.putBudget(spec, this.clock(), '');
    this.definitions = undefined;
    return (await this.status(specKey(spec)))!;
  }

  /** A budget's status by its key (`team=search`, a template's `customer=*`, or one of its counters'). */
  async status(key: string): Promise<BudgetStatus | undefined> {
    const now = this.clock();
    const c = await this.store.counters(key, now);
    return c && statusOf(c, now);
  }

  /** A team's budget's status (the per-team routes). */
  statusOfTeam(team: string): Promise<BudgetStatus | undefined> {
    return this.status(teamKeyOf(team));
  }

  /** Every budget's status, from one read of the counters (a `/metrics` scrape calls it once); templates at 0. */
  async list(): Promise<BudgetStatus[]> {
    const now = this.clock();
    return (await this.store.allCounters(now)).map((c) => statusOf(c, now));
  }

  /**
   * Every budget for the metrics: one per budget defined, however many customers a template counts — a template
   * shows its counter nearest the limit (under the template's key) and how many it has.
   */
  async gauges(): Promise<BudgetGauge[]> {
    const now = this.clock();
    const out: BudgetGauge[] = [];
    for (const status of await this.list()) {
      const scope = scopeLabel(parseScopeKey(status.key) ?? {});
      if (!status.key.includes('*')) {
        out.push({ ...status, scope, counters: 1 });
        continue;
      }
      const { count, top } = await this.store.templateCounters(status.key, now, 1);
      const nearest = top[0] ? statusOf(top[0], now) : status;
      out.push({ ...nearest, key: status.key, scope, counters: count });
    }
    return out;
  }

  /** A template's counters: how many it has made, and the values nearest their limit. */
  async templateCounters(key: string, limit = TEMPLATE_TOP): Promise<TemplateCounters | undefined> {
    const scope = parseScopeKey(key);
    if (!scope || !isTemplate(scope) || !(await this.store.getBudget(key))) return undefined;
    const now = this.clock();
    const { count, top } = await this.store.templateCounters(key, now, limit);
    return { count, top: top.map((c) => statusOf(c, now)) };
  }

  async remove(key: string): Promise<boolean> {
    await this.refuseFileManaged(key, 'delete');
    this.definitions = undefined;
    return this.store.deleteBudget(key);
  }

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
    const { scopes, specs } = await this.known();
    const covering = coveringBudgets(scopes, scopedCall(request));
    const policies = covering.flatMap((c) => {
      const spec = specs.get(c.templateKey || c.key);
      return spec?.policy ? [{ key: c.key, spec, policy: spec.policy }] : [];
    });
    // The catalog's id is looked up only for a call a policy covers: admission stays a counter update otherwise.
    const catalogModel = policies.length ? (this.options.catalogModel?.(request.model) ?? request.model) : '';
    const policy = tightestPolicy(policies.map((p) => p.policy));
    for (const p of policies) {
      const refused = refusal(p.policy, {
        budget: counterLabel(p.key, p.spec),
        model: request.model,
        catalogModel,
        estimateNano,
      });
      if (refused) {
        const blocked = { decision: 'BLOCKED', ...refused } as const;
        this.onDecision({ ...call, ...blocked });
        return { ...blocked, ...(policy ? { policy } : {}) };
      }
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
    const result = this.admission(outcome.budgets, outcome.admitted, estimateNano, now);
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
   * The decision for a call its budgets' counters (as before it) took or refused: the worst of each budget's own
   * decision — a block, else a warning past a limit, else one past a threshold — and the budget that made it.
   */
  private admission(
    budgets: readonly BudgetCounters[],
    admitted: boolean,
    amountNano: bigint,
    now: number,
  ): { admission: Admission; decisive: BudgetStatus; all: BudgetStatus[] } {
    const rank = (a: Admission) =>
      SEVERITY[a.decision] * 2 + (a.reasonCode === 'SOFT_LIMIT_EXCEEDED' ? 1 : 0);
    let best = -1;
    let admission: Admission = { decision: 'ALLOWED' };
    let decisive = 0;
    const all = budgets.map((c, i) => {
      const decided = decide(
        c.spec,
        c.period,
        c.spentNano,
        c.reservedNano,
        amountNano,
        counterLabel(c.key, c.spec),
      );
      const status = statusOf(c, now, admitted ? amountNano : 0n);
      const r = rank(decided) * 10 + Math.min(9, Math.floor(status.utilization * 5));
      if (r > best) [best, admission, decisive] = [r, decided, i];
      return status;
    });
    return { admission, decisive: all[decisive]!, all };
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
    const { admission, decisive, all } = this.admission(
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
    const until = Math.min(caughtUpMs, this.clock());
    let expired = 0;
    for (;;) {
      // Small batches with the event loop free between them: admissions never wait behind a long sweep.
      // A call held against several budgets has a row for each: a batch of rows may be fewer calls.
      const n = await this.store.expireReservations(until, EXPIRY_BATCH);
      expired += n;
      if (n === 0) return expired;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Rebuilds counters from the raw rows (one budget by key, or all). */
  async recount(key?: string): Promise<RecountResult[]> {
    return this.store.recount(this.clock(), key);
  }
}

/** A counter's status now, with `extraReservedNano` (an admission just made) counted as reserved. */
function statusOf(c: BudgetCounters, now: number, extraReservedNano = 0n): BudgetStatus {
  return budgetStatus(c.spec, c.period, now, c.spentNano, c.reservedNano + extraReservedNano, c);
}

const teamKeyOf = (team: string) => specKey({ team } as BudgetSpec);

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ValidationError('(body)', 'must be a JSON object');
  return body as Record<string, unknown>;
}
