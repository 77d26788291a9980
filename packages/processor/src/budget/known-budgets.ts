// The budgets a processor knows: which cover a call, and their specs (policies), read at most once a second. A budget
// made, changed or deleted through another processor holds for admissions within that second; spend is always
// counted exactly (ingest reads the budgets in its transaction).
import { coveringBudgets, scopedCall, type ScopeDefinition, type ScopedCall } from './budget-scope.js';
import { specKey, specScope, type BudgetSpec } from './budget-spec.js';
import type { BudgetStore } from './budget-store.js';

const DEFINITIONS_CACHE_MS = 1000;

export interface Definitions {
  scopes: ScopeDefinition[];
  specs: Map<string, BudgetSpec>;
}

export class KnownBudgets {
  private cached: (Definitions & { untilMs: number }) | undefined;

  constructor(
    private readonly store: Pick<BudgetStore, 'listBudgets'>,
    private readonly clock: () => number,
  ) {}

  async get(): Promise<Definitions> {
    const now = this.clock();
    if (this.cached && this.cached.untilMs > now) return this.cached;
    const specs = new Map((await this.store.listBudgets()).map((s) => [specKey(s), s]));
    const scopes = [...specs].map(([key, spec]) => ({ key, scope: specScope(spec) }));
    this.cached = { scopes, specs, untilMs: now + DEFINITIONS_CACHE_MS };
    return this.cached;
  }

  /** After a change made here: the next look reads the budgets again. */
  forget(): void {
    this.cached = undefined;
  }

  /** The keys of the counters covering each of `calls` (the alerts to check after an ingest). */
  async coveringKeys(calls: Iterable<Partial<ScopedCall>>): Promise<string[]> {
    const { scopes } = await this.get();
    const keys = new Set<string>();
    for (const call of calls) for (const c of coveringBudgets(scopes, scopedCall(call))) keys.add(c.key);
    return [...keys];
  }
}
