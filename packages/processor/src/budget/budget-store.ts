// Persistence of budgets, their counters and reservations, in the ledger's database (both adapters implement it).
import type { CoveringBudget, ScopeDefinition } from './budget-scope.js';
import type { BudgetSpec } from './budget-spec.js';
import type { Period } from './period.js';

export interface ReservationRequest {
  id: string;
  /** The call's team (a team-scoped token reaches the reservation by it). */
  team: string;
  /** Every budget covering the call, in key order: the call is admitted only if each admits it. */
  budgets: readonly CoveringBudget[];
  /** The model the call asks for ('' when unknown): shown with the reservations in flight. */
  model?: string;
  amountNano: bigint;
  nowMs: number;
  expiresMs: number;
}

/** More for a live reservation: a streamed call whose output has outgrown what it reserved. */
export interface ExtensionRequest {
  id: string;
  amountNano: bigint;
  nowMs: number;
  expiresMs: number;
}

/** A budget (or a template's counter for one value) with its counters, rolled to the period containing the time asked about. */
export interface BudgetCounters {
  /** The scope's key: the budget's, or the template counter's (`customer=acme`). */
  key: string;
  /** The template this counter belongs to; '' for a budget of its own. */
  templateKey: string;
  spec: BudgetSpec;
  period: Period;
  spentNano: bigint;
  /** Reservations in the ledger before this admission (live ones, and expired ones not yet swept). */
  reservedNano: bigint;
}

/** Admitted by every budget covering the call, or not; each budget's counters before the admission. */
export interface ReserveOutcome {
  admitted: boolean;
  budgets: BudgetCounters[];
}

/** One budget's counters before and after a recount. */
export interface RecountResult {
  key: string;
  before: { spentNano: bigint; reservedNano: bigint };
  after: { spentNano: bigint; reservedNano: bigint };
}

export interface BudgetStore {
  /**
   * Stores a budget and counts its current period from the raw rows, in one transaction. `managedBy` is '' for
   * the API, or the path of the budgets file that declares it.
   */
  putBudget(spec: BudgetSpec, nowMs: number, managedBy?: string): Promise<void>;
  /** Who manages each budget, by key: '' for the API, else the budgets file's path. */
  budgetManagers(): Promise<Map<string, string>>;
  getBudget(key: string): Promise<BudgetSpec | undefined>;
  /** Every budget defined, templates included (not their counters), in key order. */
  listBudgets(): Promise<BudgetSpec[]>;
  /** Every budget's key and scope: what decides which budgets cover a call. */
  scopeDefinitions(): Promise<ScopeDefinition[]>;
  /** Deletes a budget (a template with its counters). */
  deleteBudget(key: string): Promise<boolean>;
  /** A budget's counters at `nowMs` (rolling the period over first when it has ended); undefined without one. */
  counters(key: string, nowMs: number): Promise<BudgetCounters | undefined>;
  /** Every budget's counters as of `nowMs`, in one read (a `/metrics` scrape, the budgets list); templates at 0. */
  allCounters(nowMs: number): Promise<BudgetCounters[]>;
  /** A template's counters nearest their limit first, at most `limit`, and how many it has. */
  templateCounters(
    key: string,
    nowMs: number,
    limit: number,
  ): Promise<{ count: number; top: BudgetCounters[] }>;
  /**
   * Admits and records the reservation when every budget covering the call can take it, atomically against every
   * other writer (across processes): one conditional row update on the fast path (one budget). Undefined when no
   * budget covers the call.
   */
  reserve(request: ReservationRequest): Promise<ReserveOutcome | undefined>;
  /**
   * Adds `amountNano` to a live reservation when every budget it is held against can take it (the same admission as
   * `reserve`, atomically), and moves its expiry to `expiresMs` when later. Undefined when no such reservation is
   * live; `outcome` undefined when none of its budgets exists any more.
   */
  extend(request: ExtensionRequest): Promise<{ team: string; outcome?: ReserveOutcome } | undefined>;
  /** The team of the call a reservation still in the ledger was made for. */
  reservationTeam(id: string): Promise<string | undefined>;
  /** Releases a reservation still in the ledger; false when there is none by that id. */
  release(id: string): Promise<boolean>;
  /**
   * Removes the reservations of up to `limit` rows that expired from `fromMs` to `untilMs` from the ledger, and their
   * amounts from the counters, in one short transaction.
   */
  expireReservations(untilMs: number, limit: number, fromMs?: number): Promise<ExpiredStep>;
  /**
   * Whether any reservation expired from `fromMs` to `untilMs` — a read, asked before a sweep: on SQLite a write
   * transaction with nothing to do would still wait for the write lock (the ingest's batch), blocking the processor's
   * thread.
   */
  anyExpired(untilMs: number, fromMs?: number): Promise<boolean>;
  /** Reservations still in the ledger (bounded: settled, released and expired ones leave). */
  reservationCount(): Promise<number>;
  /** Rebuilds the counters of one budget (or of every budget and template counter) from the raw rows. */
  recount(nowMs: number, key?: string): Promise<RecountResult[]>;
  /**
   * Records that an alert fired for a team and period and queues it for every sink, in one transaction; false
   * when it had fired already (remembered across restarts).
   */
  recordAlert(alert: AlertRecord): Promise<boolean>;
  /** Claims due queued alerts for `leaseMs`; each claim counts as an attempt. */
  claimDueAlerts(nowMs: number, leaseMs: number, limit: number): Promise<QueuedAlert[]>;
  /** Whether any queued alert is due — a read, asked before claiming (as `anyExpired`). */
  anyDueAlert(nowMs: number): Promise<boolean>;
  /** A queued alert reached its sink: it leaves the queue. */
  alertDelivered(id: string, sink: string): Promise<void>;
  /** A delivery failed: try again at `nextAttemptMs`. */
  alertFailed(id: string, sink: string, nextAttemptMs: number, error: string): Promise<void>;
}

/** An alert decided now, to record as fired and queue for each sink, atomically. */
export interface AlertRecord {
  /** The budget's key (a template's counter's: each customer is alerted on its own). */
  budgetKey: string;
  periodStartMs: number;
  key: string;
  nowMs: number;
  id: string;
  payload: string;
  sinks: readonly string[];
}

export interface QueuedAlert {
  id: string;
  sink: string;
  payload: string;
  attempts: number;
}

/** What one step of a sweep removed: how many calls' reservations, and the latest expiry among their rows. */
export interface ExpiredStep {
  /** Calls expired (leases and room a sweep freed are not calls). */
  calls: number;
  /** The latest `expires_ms` removed (none when nothing was): the sweep's next step starts there. */
  reachedMs?: number;
  /** PostgreSQL: another processor is sweeping (one at a time); this step did nothing. */
  busy?: true;
}
