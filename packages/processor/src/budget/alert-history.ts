// A budget's alert history: what fired, when, and where it was delivered (the console's budget page).

export interface FiredAlert {
  /** The budget's key (a template's counter's for one value). */
  budgetKey: string;
  periodStartMs: number;
  key: string;
  firedMs: number;
  sinks: string[];
  delivered: string[];
}

export interface AlertHistoryStore {
  /** A budget's alerts, newest first, at most `limit`. */
  alertHistory(budgetKey: string, limit: number): Promise<FiredAlert[]>;
}
