// Read-only views of the ledger the console needs, written once as scripts over either database's read runner.
import type { AlertHistoryStore, FiredAlert } from '../budget/alert-history.js';
import type { LiveReservation, LiveReservationStore } from '../enforcement/live-reservations.js';
import type { Script } from './script.js';
import type { CostLedger } from './cost-ledger.js';

const list = (csv: unknown) => String(csv).split(',').filter(Boolean);

function* alertHistory(budgetKey: string, limit: number): Script<FiredAlert[]> {
  const rows = yield {
    sql: `SELECT budget_key, period_start, alert_key, fired_ms, sinks, delivered FROM budget_alerts_fired
      WHERE budget_key = $1 ORDER BY fired_ms DESC, alert_key LIMIT $2`,
    params: [budgetKey, limit],
  };
  return rows.map((r) => ({
    budgetKey: String(r.budget_key),
    periodStartMs: Number(r.period_start),
    key: String(r.alert_key),
    firedMs: Number(r.fired_ms),
    sinks: list(r.sinks),
    delivered: [...new Set(list(r.delivered))],
  }));
}

function* liveReservations(
  teams: readonly string[] | undefined,
  limit: number,
): Script<{ total: number; reservations: LiveReservation[] }> {
  // Calls' reservations only: a processor's lease (lease-scripts.ts) is room held, not a call.
  const where = `WHERE status = 'active'${teams ? ` AND team IN (${teams.map((_, i) => `$${i + 1}`).join(', ') || "''"})` : ''}`;
  // One row per call, however many budgets its reservation is held against (each row holds the same amount).
  const [count] = yield {
    sql: `SELECT COUNT(DISTINCT id) AS n FROM reservations ${where}`,
    params: [...(teams ?? [])],
  };
  const rows = yield {
    sql: `SELECT id, MIN(team) AS team, MIN(model) AS model, MIN(amount_nano) AS amount_nano,
        MIN(created_ms) AS created_ms, MIN(expires_ms) AS expires_ms
      FROM reservations ${where} GROUP BY id ORDER BY MIN(created_ms), id LIMIT $${(teams?.length ?? 0) + 1}`,
    params: [...(teams ?? []), limit],
  };
  return {
    total: Number(count?.n ?? 0),
    reservations: rows.map((r) => ({
      id: String(r.id),
      team: String(r.team),
      model: String(r.model),
      amountNano: BigInt(String(r.amount_nano)),
      createdMs: Number(r.created_ms),
      expiresMs: Number(r.expires_ms),
    })),
  };
}

/** The console's read models over a ledger. */
export class LedgerViews implements AlertHistoryStore, LiveReservationStore {
  constructor(private readonly ledger: Pick<CostLedger, 'read'>) {}

  alertHistory(budgetKey: string, limit: number): Promise<FiredAlert[]> {
    return this.ledger.read(alertHistory(budgetKey, limit));
  }

  liveReservations(options: { teams?: ReadonlySet<string> | undefined; limit: number }) {
    return this.ledger.read(liveReservations(options.teams && [...options.teams], options.limit));
  }
}
