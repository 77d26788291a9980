// Persistence of budgets, their counters and reservations, in the ledger's database (both adapters implement it).
import type { BudgetSpec } from './budget-spec.js';
import type { Period } from './period.js';

export interface ReservationRequest {
  id: string;
  team: string;
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

/** A team's budget with its counters, rolled to the period containing the time asked about. */
export interface BudgetCounters {
  spec: BudgetSpec;
  period: Period;
  spentNano: bigint;
  /** Reservations in the ledger before this admission (live ones, and expired ones not yet swept). */
  reservedNano: bigint;
}

export interface ReserveOutcome extends BudgetCounters {
  admitted: boolean;
}

/** One team's counters before and after a recount. */
export interface RecountResult {
  team: string;
  before: { spentNano: bigint; reservedNano: bigint };
  after: { spentNano: bigint; reservedNano: bigint };
}

export interface BudgetStore {
  /**
   * Stores a budget and counts its current period from the raw rows, in one transaction. `managedBy` is '' for
   * the API, or the path of the budgets file that declares it.
   */
  putBudget(spec: BudgetSpec, nowMs: number, managedBy?: string): Promise<void>;
  /** Who manages each budget: '' for the API, else the budgets file's path. */
  budgetManagers(): Promise<Map<string, string>>;
  getBudget(team: string): Promise<BudgetSpec | undefined>;
  listBudgets(): Promise<BudgetSpec[]>;
  deleteBudget(team: string): Promise<boolean>;
  /** The team's counters at `nowMs` (rolling the period over first when it has ended); undefined without a budget. */
  counters(team: string, nowMs: number): Promise<BudgetCounters | undefined>;
  /** Every budget's counters as of `nowMs`, in one read (a `/metrics` scrape, the budgets list). */
  allCounters(nowMs: number): Promise<BudgetCounters[]>;
  /**
   * Admits and records the reservation when the team's budget can take it, atomically against every other
   * writer (across processes): one conditional row update on the fast path. Undefined when the team has no budget.
   */
  reserve(request: ReservationRequest): Promise<ReserveOutcome | undefined>;
  /**
   * Adds `amountNano` to a live reservation when its team's budget can take it (the same admission as `reserve`,
   * atomically), and moves its expiry to `expiresMs` when later. Undefined when no such reservation is live;
   * `outcome` undefined when its team has no budget any more.
   */
  extend(request: ExtensionRequest): Promise<{ team: string; outcome?: ReserveOutcome } | undefined>;
  /** The team a reservation still in the ledger belongs to. */
  reservationTeam(id: string): Promise<string | undefined>;
  /** Releases a reservation still in the ledger; false when there is none by that id. */
  release(id: string): Promise<boolean>;
  /**
   * Removes up to `limit` reservations that expired at or before `untilMs` from the ledger, and their amounts from
   * the counters, in one short transaction. Returns how many it removed.
   */
  expireReservations(untilMs: number, limit: number): Promise<number>;
  /** Reservations still in the ledger (bounded: settled, released and expired ones leave). */
  reservationCount(): Promise<number>;
  /** Rebuilds the counters of one team (or every team with a budget) from the raw rows. */
  recount(nowMs: number, team?: string): Promise<RecountResult[]>;
  /**
   * Records that an alert fired for a team and period and queues it for every sink, in one transaction; false
   * when it had fired already (remembered across restarts).
   */
  recordAlert(alert: AlertRecord): Promise<boolean>;
  /** Claims due queued alerts for `leaseMs`; each claim counts as an attempt. */
  claimDueAlerts(nowMs: number, leaseMs: number, limit: number): Promise<QueuedAlert[]>;
  /** A queued alert reached its sink: it leaves the queue. */
  alertDelivered(id: string, sink: string): Promise<void>;
  /** A delivery failed: try again at `nextAttemptMs`. */
  alertFailed(id: string, sink: string, nextAttemptMs: number, error: string): Promise<void>;
}

/** An alert decided now, to record as fired and queue for each sink, atomically. */
export interface AlertRecord {
  team: string;
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
