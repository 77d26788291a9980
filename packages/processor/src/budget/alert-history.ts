// A budget's alert history: what fired, when, and where it was delivered (the console's budget page).

export interface FiredAlert {
  team: string;
  periodStartMs: number;
  key: string;
  firedMs: number;
  sinks: string[];
  delivered: string[];
}

export interface AlertHistoryStore {
  /** The team's alerts, newest first, at most `limit`. */
  alertHistory(team: string, limit: number): Promise<FiredAlert[]>;
}
