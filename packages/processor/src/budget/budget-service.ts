// Budgets as the API offers them: validation, scopes, statuses, templates' counters, the budgets file; reservations
// through ReservationService (reservation-service.ts).
import { z } from 'zod';
import { ValidationError, GenOpsError } from '../errors.js';
import {
  isTemplate,
  isTemplateKey,
  keyLabel,
  ORG_KEY,
  parseScopeKey,
  SCOPE_DIMENSIONS,
  type ScopedCall,
} from './budget-scope.js';
import { BudgetSpecSchema, specKey, type BudgetSpec } from './budget-spec.js';
import { statusOf } from './covering-decision.js';
import type { DecisionEntry } from '../enforcement/decision-log.js';
import type { BudgetStore, RecountResult } from './budget-store.js';
import type { BudgetStatus } from './decision.js';
import { KnownBudgets } from './known-budgets.js';
import { ExtensionRequestSchema, ReservationRequestSchema } from './reservation-request.js';
import {
  firstIssue,
  ReservationService,
  type BudgetServiceOptions,
  type ReservationResult,
} from './reservation-service.js';

export { firstIssue, type BudgetServiceOptions, type ReservationResult };

/** A template's counters shown with it: the values nearest their limit. */
const TEMPLATE_TOP = 10;

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

export class BudgetService {
  private readonly known: KnownBudgets;
  private readonly reservations: ReservationService;

  constructor(
    private readonly store: BudgetStore,
    private readonly clock: () => number = Date.now,
    /** Every admission decision, for the metrics and the decision log. */
    onDecision: (entry: DecisionEntry) => void = () => {},
    options: BudgetServiceOptions = {},
  ) {
    this.known = new KnownBudgets(store, clock);
    this.reservations = new ReservationService(store, this.known, clock, onDecision, options);
  }

  /** The keys of the counters covering each of `calls` (the alerts to check after an ingest). */
  coveringKeys(calls: Iterable<Partial<ScopedCall>>): Promise<string[]> {
    return this.known.coveringKeys(calls);
  }

  /** A 409 when the budgets file, not the API, manages the budget. */
  private async refuseFileManaged(key: string, change: string): Promise<void> {
    const file = (await this.store.budgetManagers()).get(key);
    if (file) {
      throw new GenOpsError(
        'MANAGED_BY_FILE',
        `the budget of ${keyLabel(key)} is managed by the budgets file ${file} (GENOPS_BUDGETS_FILE): ${change} it there, or remove it from the file to manage it through the API`,
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
    this.known.forget();
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
      if (!named) given = { ...given, ...scope, ...(key === ORG_KEY ? { org: true } : {}) };
    }
    const parsed = BudgetSpecSchema.safeParse(given);
    if (!parsed.success) throw firstIssue(parsed.error);
    const spec = parsed.data;
    if (key !== undefined && specKey(spec) !== key)
      throw new ValidationError('(body)', `names the scope ${specKey(spec)}, not the path's ${key}`);
    await this.refuseFileManaged(specKey(spec), 'change');
    await this.store.putBudget(spec, this.clock(), '');
    this.known.forget();
    return (await this.status(specKey(spec)))!;
  }

  /** A budget's status by its key (`team=search`, a template's `customer=*`, or one of its counters'). */
  async status(key: string): Promise<BudgetStatus | undefined> {
    const now = this.clock();
    const c = await this.store.counters(key, now);
    return c && statusOf(c, now);
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
      const scope = keyLabel(status.key);
      if (!isTemplateKey(status.key)) {
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
    this.known.forget();
    return this.store.deleteBudget(key);
  }

  /** Admits (and reserves) or blocks a call, atomically against every other reservation of its budgets. */
  reserve(body: unknown): Promise<ReservationResult> {
    return this.reservations.reserve(body);
  }

  /** `reserve` for a request already validated by ReservationRequestSchema (the HTTP route's declaration). */
  reserveParsed(request: z.output<typeof ReservationRequestSchema>): Promise<ReservationResult> {
    return this.reservations.reserveParsed(request);
  }

  /** Extends a live reservation when every budget it is held against can take more (ReservationService.extend). */
  extend(
    id: string,
    request: z.output<typeof ExtensionRequestSchema>,
    teams?: ReadonlySet<string>,
  ): Promise<ReservationResult> {
    return this.reservations.extend(id, request, teams);
  }

  /** Releases a reservation (ReservationService.release). */
  release(id: string, teams?: ReadonlySet<string>): Promise<void> {
    return this.reservations.release(id, teams);
  }

  /** Removes reservations whose TTL passed before `caughtUpMs` (ReservationService.expire). */
  expire(caughtUpMs: number): Promise<number> {
    return this.reservations.expire(caughtUpMs);
  }

  /** Rebuilds counters from the raw rows (one budget by key, or all). */
  async recount(key?: string): Promise<RecountResult[]> {
    return this.store.recount(this.clock(), key);
  }
}

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ValidationError('(body)', 'must be a JSON object');
  return body as Record<string, unknown>;
}
