// Read-only views of the ledger the console needs, written once as scripts over either database's read runner.
import type { AlertHistoryStore, FiredAlert } from '../budget/alert-history.js';
import type { LiveReservation, LiveReservationStore } from '../enforcement/live-reservations.js';
import type { Script } from './script.js';
import type { CostLedger } from './cost-ledger.js';

const list = (csv: unknown) => String(csv).split(',').filter(Boolean);

function* alertHistory(team: string, limit: number): Script<FiredAlert[]> {
  const rows = yield {
    sql: `SELECT team, period_start, alert_key, fired_ms, sinks, delivered FROM budget_alerts_fired
      WHERE team = $1 ORDER BY fired_ms DESC, alert_key LIMIT $2`,
    params: [team, limit],
  };
  return rows.map((r) => ({
    team: String(r.team),
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
  const where = teams ? `WHERE team IN (${teams.map((_, i) => `$${i + 1}`).join(', ') || "''"})` : '';
  const [count] = yield {
    sql: `SELECT COUNT(*) AS n FROM reservations ${where}`,
    params: [...(teams ?? [])],
  };
  const rows = yield {
    sql: `SELECT id, team, model, amount_nano, created_ms, expires_ms FROM reservations ${where}
      ORDER BY created_ms, id LIMIT $${(teams?.length ?? 0) + 1}`,
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

  alertHistory(team: string, limit: number): Promise<FiredAlert[]> {
    return this.ledger.read(alertHistory(team, limit));
  }

  liveReservations(options: { teams?: ReadonlySet<string> | undefined; limit: number }) {
    return this.ledger.read(liveReservations(options.teams && [...options.teams], options.limit));
  }
}
