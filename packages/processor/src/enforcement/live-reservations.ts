// Reservations in flight: what BudgetGuard holds against budgets right now (the console's enforcement page).

export interface LiveReservation {
  id: string;
  team: string;
  model: string;
  amountNano: bigint;
  createdMs: number;
  expiresMs: number;
}

export interface LiveReservationStore {
  /** Live reservations (of `teams` when given), oldest first, at most `limit`, and how many there are in all. */
  liveReservations(options: {
    teams?: ReadonlySet<string> | undefined;
    limit: number;
  }): Promise<{ total: number; reservations: LiveReservation[] }>;
}
