// Persistence of budgets and reservations, in the ledger's database (both adapters implement it).
import type { BudgetSpec } from './budget-spec.js';

export interface ReservationRequest {
  id: string;
  team: string;
  amountNano: bigint;
  nowMs: number;
  expiresMs: number;
  periodStartMs: number;
  periodEndMs: number;
}

export interface Totals {
  spentNano: bigint;
  reservedNano: bigint;
}

export interface BudgetStore {
  putBudget(spec: BudgetSpec, nowMs: number): Promise<void>;
  getBudget(team: string): Promise<BudgetSpec | undefined>;
  listBudgets(): Promise<BudgetSpec[]>;
  deleteBudget(team: string): Promise<boolean>;
  /** Spend in [start, end) plus live (unexpired, unsettled, unreleased) reservations of the team. */
  totals(team: string, startMs: number, endMs: number, nowMs: number): Promise<Totals>;
  /**
   * Atomically, against every other reservation of the team (across processes): reads the totals, asks
   * `admit`, and records the reservation only if it says yes.
   */
  reserve(
    request: ReservationRequest,
    admit: (totals: Totals) => boolean,
  ): Promise<Totals & { admitted: boolean }>;
  /** Releases a live reservation; false when there is none by that id. */
  release(id: string): Promise<boolean>;
  /** Records that an alert fired for a team and period; false when it had fired already (remembered across restarts). */
  markAlertFired(team: string, periodStartMs: number, alertKey: string, nowMs: number): Promise<boolean>;
}
