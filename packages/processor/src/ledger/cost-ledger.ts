// The cost ledger contract: both adapters (SQLite, PostgreSQL) pass the same suite.
import type { BudgetStore } from '../budget/budget-store.js';
import type { CostEvent, Dimension } from '../decode/cost-event.js';
import type { Dialect, Script } from './script.js';
import type { ReconciliationStore } from '../reconcile/reconciliation-store.js';

export interface InsertResult {
  inserted: number;
  duplicates: number;
}

/** A `[from, to)` range over event time, optional grouping and equality filters. */
export interface AggregateQuery {
  fromMs: number;
  toMs: number;
  groupBy: Dimension[];
  filters: Partial<Record<Dimension, string>>;
  /** IANA zone of the time dimensions (day, week, month); default UTC. */
  timezone?: string;
}

/** Sums for one group. */
export interface AggregateRow {
  key: Record<string, string>;
  costNano: bigint;
  upstreamNano: bigint;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** Calls recorded without a price (cost 0) and not priced since, and their tokens. */
  unpricedRequests: number;
  unpricedTokens: number;
}

/** The figures of a group nothing has been added to yet. */
export function noFigures(): Omit<AggregateRow, 'key'> {
  return {
    costNano: 0n,
    upstreamNano: 0n,
    requests: 0,
    errors: 0,
    inputTokens: 0,
    outputTokens: 0,
    unpricedRequests: 0,
    unpricedTokens: 0,
  };
}

export type Figures = Omit<AggregateRow, 'key'>;

/** Adds `from`'s figures to `into`'s. */
export function addFigures(into: Figures, from: Figures): void {
  into.costNano += from.costNano;
  into.upstreamNano += from.upstreamNano;
  into.requests += from.requests;
  into.errors += from.errors;
  into.inputTokens += from.inputTokens;
  into.outputTokens += from.outputTokens;
  into.unpricedRequests += from.unpricedRequests;
  into.unpricedTokens += from.unpricedTokens;
}

/** One call's facts for the provider comparison (or a reconciliation adjustment of one: cost only). */
export interface ProviderSample {
  servedProvider: string;
  model: string;
  durationMs: number;
  isError: boolean;
  costNano: bigint;
  tokens: number;
  /** An adjustment to the bill: counts in the group's cost, not as a request or in latency. Absent: a call. */
  adjustment?: boolean;
  /** OpenRouter fell back to another model or provider for this call. */
  fallback?: boolean;
}

/**
 * Every adapter also keeps budgets and reservations, in the same database as the spend they govern, and the queue
 * of calls to reconcile with the provider's bill.
 */
export interface CostLedger extends BudgetStore, ReconciliationStore {
  /** The SQL the ledger speaks, for scripts whose statements differ between the two. */
  readonly dialect: Dialect;
  /** Runs pending schema migrations. Idempotent; called on start. */
  migrate(): Promise<void>;
  /**
   * Writes events durably in one transaction; an event whose identity is already stored is a duplicate. Fresh
   * events marked `reconcile` are queued for reconciliation in the same transaction.
   */
  insertEvents(events: readonly CostEvent[]): Promise<InsertResult>;
  aggregate(query: AggregateQuery): Promise<AggregateRow[]>;
  providerSamples(query: Omit<AggregateQuery, 'groupBy'>): Promise<ProviderSample[]>;
  /** Runs a read-only script (ledger-views.ts) on one consistent snapshot, taking no write lock. */
  read<T>(script: Script<T>): Promise<T>;
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
