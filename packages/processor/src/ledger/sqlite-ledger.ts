// The embedded ledger: SQLite (better-sqlite3) in WAL mode with full sync, so a committed batch survives a crash.
import Database from 'better-sqlite3';
import type { CostEvent } from '../decode/cost-event.js';
import type {
  AggregateQuery,
  AggregateRow,
  CostLedger,
  InsertResult,
  ProviderSample,
} from './cost-ledger.js';
import {
  aggregateStatements,
  EVENT_COLUMNS,
  HOUR_MS,
  keyOf,
  providerSamplesStatement,
  ROLLUP_KEYS,
  rollupKeyOf,
} from './sql.js';

const MIGRATIONS: string[] = [
  `CREATE TABLE cost_events (
     trace_id TEXT NOT NULL, span_id TEXT NOT NULL, event_time INTEGER NOT NULL,
     team TEXT NOT NULL, project TEXT NOT NULL, customer TEXT NOT NULL, feature TEXT NOT NULL,
     environment TEXT NOT NULL, cost_center TEXT NOT NULL, experiment TEXT NOT NULL, variant TEXT NOT NULL,
     model TEXT NOT NULL, served_model TEXT NOT NULL, provider TEXT NOT NULL, served_provider TEXT NOT NULL,
     cost_nano INTEGER NOT NULL, cost_source TEXT NOT NULL, input_tokens INTEGER NOT NULL,
     output_tokens INTEGER NOT NULL, is_error INTEGER NOT NULL, duration_ms REAL NOT NULL,
     reservation_id TEXT NOT NULL,
     PRIMARY KEY (trace_id, span_id)
   ) WITHOUT ROWID;
   CREATE INDEX cost_events_time ON cost_events (event_time);
   CREATE TABLE cost_rollup_hourly (
     hour INTEGER NOT NULL, ${ROLLUP_KEYS.map((k) => `${k} TEXT NOT NULL`).join(', ')},
     cost_nano INTEGER NOT NULL, requests INTEGER NOT NULL, errors INTEGER NOT NULL,
     input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
     PRIMARY KEY (hour, ${ROLLUP_KEYS.join(', ')})
   ) WITHOUT ROWID;`,
];

export class SqliteLedger implements CostLedger {
  private readonly db: Database.Database;
  private insertEvent!: Database.Statement;
  private upsertRollup!: Database.Statement;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
  }

  async migrate(): Promise<void> {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    const applied = new Set(
      (this.db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
        (r) => r.version,
      ),
    );
    MIGRATIONS.forEach((sql, i) => {
      if (applied.has(i + 1)) return;
      this.db.transaction(() => {
        this.db.exec(sql);
        this.db.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(i + 1, new Date().toISOString());
      })();
    });
    this.insertEvent = this.db.prepare(
      `INSERT OR IGNORE INTO cost_events (${EVENT_COLUMNS.map(([c]) => c).join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.upsertRollup = this.db.prepare(
      `INSERT INTO cost_rollup_hourly (hour, ${ROLLUP_KEYS.join(', ')}, cost_nano, requests, errors, input_tokens, output_tokens)
       VALUES (?, ${ROLLUP_KEYS.map(() => '?').join(', ')}, ?, 1, ?, ?, ?)
       ON CONFLICT (hour, ${ROLLUP_KEYS.join(', ')}) DO UPDATE SET
         cost_nano = cost_nano + excluded.cost_nano, requests = requests + 1, errors = errors + excluded.errors,
         input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens`,
    );
  }

  async insertEvents(events: readonly CostEvent[]): Promise<InsertResult> {
    let inserted = 0;
    this.db.transaction(() => {
      for (const e of events) {
        const { changes } = this.insertEvent.run(...EVENT_COLUMNS.map(([, read]) => read(e)));
        if (changes === 0) continue;
        inserted++;
        this.upsertRollup.run(
          Math.floor(e.eventTimeMs / HOUR_MS),
          ...rollupKeyOf(e),
          e.costNano,
          e.isError ? 1 : 0,
          e.inputTokens,
          e.outputTokens,
        );
      }
    })();
    return { inserted, duplicates: events.length - inserted };
  }

  async aggregate(query: AggregateQuery): Promise<AggregateRow[]> {
    const rows: AggregateRow[] = [];
    for (const statement of aggregateStatements(query, () => '?')) {
      const result = this.db
        .prepare(statement.text)
        .safeIntegers(true)
        .all(...statement.params) as Record<string, unknown>[];
      for (const r of result) {
        if (r.requests === null || BigInt(r.requests as bigint) === 0n) continue;
        rows.push({
          key: keyOf(r, query.groupBy),
          costNano: BigInt(r.cost as bigint),
          requests: Number(r.requests),
          errors: Number(r.errors),
          inputTokens: Number(r.input),
          outputTokens: Number(r.output),
        });
      }
    }
    return rows;
  }

  async providerSamples(query: Omit<AggregateQuery, 'groupBy'>): Promise<ProviderSample[]> {
    const statement = providerSamplesStatement(query, () => '?');
    const rows = this.db
      .prepare(statement.text)
      .safeIntegers(true)
      .all(...statement.params) as Record<string, unknown>[];
    return rows.map((r) => ({
      servedProvider: String(r.served_provider),
      model: String(r.model),
      durationMs: Number(r.duration_ms),
      isError: Number(r.is_error) === 1,
      costNano: BigInt(r.cost_nano as bigint),
      tokens: Number(r.tokens),
    }));
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
