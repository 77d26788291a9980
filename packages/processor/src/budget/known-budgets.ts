// The budgets a processor knows: which cover a call, and their specs (policies), read at most once a second. A budget
// made, changed or deleted through another processor holds for admissions within a second; spend is always
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
  private cached: (Definitions & { readMs: number }) | undefined;
  /** The read in flight, shared by every call that needs it. */
  private reading: Promise<Definitions> | undefined;
  /** Bumped by `forget`: a read started before it does not answer after it. */
  private generation = 0;

  constructor(
    private readonly store: Pick<BudgetStore, 'listBudgets'>,
    private readonly clock: () => number,
  ) {}

  /**
   * The definitions read less than a second ago. Half-way through their second a read renews them in the background
   * while they still answer, so under traffic no call waits for one (at 1,000 calls a second, every call in a
   * refresh's few milliseconds did, once a second — each starting a read of its own); a call finding none that
   * fresh (starting, after a quiet second, after `forget`) waits for the read.
   */
  async get(): Promise<Definitions> {
    const now = this.clock();
    const age = this.cached ? now - this.cached.readMs : Infinity;
    if (age < DEFINITIONS_CACHE_MS / 2) return this.cached!;
    if (!this.reading) {
      this.reading = this.read(now);
      // A failed renewal is tried again by the next call; the held definitions still answer meanwhile.
      this.reading.catch(() => {});
    }
    return age >= DEFINITIONS_CACHE_MS ? this.reading : this.cached!;
  }

  private async read(readMs: number): Promise<Definitions> {
    const generation = this.generation;
    try {
      const specs = new Map((await this.store.listBudgets()).map((s) => [specKey(s), s]));
      const scopes = [...specs].map(([key, spec]) => ({ key, scope: specScope(spec) }));
      if (generation === this.generation) this.cached = { scopes, specs, readMs };
      return { scopes, specs };
    } finally {
      if (generation === this.generation) this.reading = undefined;
    }
  }

  /** After a change made here: the next look reads the budgets again, and waits for them. */
  forget(): void {
    this.generation++;
    this.cached = undefined;
    this.reading = undefined;
  }

  /** The keys of the counters covering each of `calls` (the alerts to check after an ingest). */
  async coveringKeys(calls: Iterable<Partial<ScopedCall>>): Promise<string[]> {
    const { scopes } = await this.get();
    const keys = new Set<string>();
    for (const call of calls) for (const c of coveringBudgets(scopes, scopedCall(call))) keys.add(c.key);
    return [...keys];
  }
}
