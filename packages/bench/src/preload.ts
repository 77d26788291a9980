// Fills a ledger the way a month of production leaves it, in SQL (seconds, not minutes): cost events spread over
// the last 30 days for 50 teams with their rollups, a hard budget per team (some already exceeded), and
// live reservations; then the budget counters are counted from those rows, as `genops budgets recount` does.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { HOUR_TREE_FILL, openLedger } from '@genops/processor';
import pg from 'pg';

export interface PreloadOptions {
  events: number;
  teams: number;
  liveReservations: number;
  /** Teams (the last ones) whose monthly limit is already spent: their admissions are BLOCKED. */
  exceededTeams: number;
  nowMs: number;
}

const DAY_MS = 86_400_000;
const MODELS = [
  'openai/gpt-4o-mini',
  'deepseek/deepseek-chat',
  'anthropic/claude-3.5-sonnet',
  'qwen/qwen-2.5-72b-instruct',
  'meta-llama/llama-3.3-70b-instruct',
];
const PROVIDERS = ['OpenAI', 'DeepInfra', 'Anthropic', 'Together', 'Groq'];

export const teamName = (i: number) => `team-${String(i).padStart(2, '0')}`;

const pick = (values: string[], expr: string) =>
  `(CASE ${expr} % ${values.length} ${values.map((v, k) => `WHEN ${k} THEN '${v}'`).join(' ')} END)`;

/** Columns of cost_events in schema order, as SQL over a row number `i`. */
function eventColumns(o: PreloadOptions, dialect: 'sqlite' | 'postgres'): string[] {
  const hex = (expr: string, width: number) =>
    dialect === 'sqlite' ? `printf('%0${width}x', ${expr})` : `lpad(to_hex(${expr}), ${width}, '0')`;
  const pad2 = (expr: string) =>
    dialect === 'sqlite' ? `printf('%02d', ${expr})` : `lpad((${expr})::text, 2, '0')`;
  const span = 30 * DAY_MS;
  // Ids as the ledger stores a hex id (decode/event-id.ts): a tag byte 0, then the id's bytes.
  const id = (expr: string, width: number) =>
    dialect === 'sqlite'
      ? `unhex('00' || ${hex(expr, width)})`
      : `'\\x00'::bytea || decode(${hex(expr, width)}, 'hex')`;
  return [
    id('i', 32),
    id('i + 1', 16),
    `${o.nowMs - span} + (i * ${Math.floor(span / o.events)})`,
    `'team-' || ${pad2(`i % ${o.teams}`)}`,
    `'project-' || (i % 7)`,
    `'customer-' || (i % 997)`,
    `'chat'`,
    `'production'`,
    `'cc-' || (i % 5)`,
    `''`,
    `''`,
    pick(MODELS, 'i'),
    pick(MODELS, 'i'),
    `'openrouter'`,
    pick(PROVIDERS, 'i'),
    `(i % 97 + 1) * 20000`,
    `'reported'`,
    `300 + i % 500`,
    `100 + i % 300`,
    `CASE WHEN i % 100 = 0 THEN 1 ELSE 0 END`,
    `200 + i % 1000`,
    `''`,
    `0`, // upstream_nano
    `''`, // generation_id
    `0`, // is_adjustment
    `0`, // is_fallback
    `-1`, // client_cost_nano
    `''`, // model_name
    `0`, // cache_read_tokens
    `0`, // cache_write_tokens
    `0`, // cache_write_1h_tokens
    `0`, // reasoning_tokens
    `0`, // web_searches
    `''`, // service_tier
    `0`, // unpriced_requests
    `0`, // unpriced_tokens
  ];
}

const ROLLUP = `INSERT INTO cost_rollup_hourly
    (hour, team, project, feature, environment, model, served_provider, cost_center, experiment, variant,
     cost_nano, requests, errors, input_tokens, output_tokens, upstream_nano)
  SELECT event_time / 3600000, team, project, feature, environment, model, served_provider, cost_center, experiment, variant,
    SUM(cost_nano), COUNT(*), SUM(is_error), SUM(input_tokens), SUM(output_tokens), SUM(upstream_nano)
  FROM cost_events WHERE event_time >= $from AND event_time < $to GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`;
// The hour tree's fill (migration 15's statement) over one stretch of events.
const TREE = HOUR_TREE_FILL.replace(
  /FROM cost_events\n/,
  'FROM cost_events WHERE event_time >= $from AND event_time < $to\n',
);
if (TREE === HOUR_TREE_FILL) throw new Error('the hour tree fill no longer reads FROM cost_events');
const DAILY_ROLLUP = `INSERT INTO cost_rollup_daily
    (day, team, project, feature, environment, model, served_provider, cost_center, experiment, variant,
     cost_nano, requests, errors, input_tokens, output_tokens, upstream_nano, unpriced_requests, unpriced_tokens)
  SELECT hour / 24, team, project, feature, environment, model, served_provider, cost_center, experiment, variant,
    SUM(cost_nano), SUM(requests), SUM(errors), SUM(input_tokens), SUM(output_tokens), SUM(upstream_nano),
    SUM(unpriced_requests), SUM(unpriced_tokens)
  FROM cost_rollup_hourly GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`;

function reservationsSql(o: PreloadOptions, dialect: 'sqlite' | 'postgres'): string {
  const rows =
    dialect === 'sqlite'
      ? `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${o.liveReservations - 1})`
      : '';
  const from = dialect === 'sqlite' ? 'FROM s' : `FROM generate_series(0, ${o.liveReservations - 1}) AS i`;
  const team =
    dialect === 'sqlite'
      ? `'team-' || printf('%02d', i % ${o.teams})`
      : `'team-' || lpad((i % ${o.teams})::text, 2, '0')`;
  // Long-running calls: they stay live for the whole benchmark.
  return `${rows} INSERT INTO reservations (id, budget_key, team, amount_nano, created_ms, expires_ms, status, model)
    SELECT 'preloaded-' || i, 'team=' || ${team}, ${team}, 100000, ${o.nowMs}, ${o.nowMs + 3 * 3_600_000}, 'active', ${pick(MODELS, 'i')} ${from}`;
}

/** Events `[lo, hi)`. */
function eventsSql(o: PreloadOptions, dialect: 'sqlite' | 'postgres', lo: number, hi: number): string {
  const columns = eventColumns(o, dialect).join(', ');
  return dialect === 'sqlite'
    ? `WITH RECURSIVE s(i) AS (SELECT ${lo} UNION ALL SELECT i + 1 FROM s WHERE i < ${hi - 1})
       INSERT INTO cost_events SELECT ${columns} FROM s`
    : `INSERT INTO cost_events SELECT ${columns} FROM generate_series(${lo}::bigint, ${hi - 1}) AS i`;
}

/**
 * The load as statements of bounded size, so no sort spills tens of GB to temporary files at 100M events: the events
 * 10M at a time, their indexes, then the hourly rollup and the hour tree a UTC day at a time, the daily rollup.
 */
function loadStatements(o: PreloadOptions, dialect: 'sqlite' | 'postgres', indexes: string[]): string[] {
  const statements: string[] = [];
  for (let lo = 0; lo < o.events; lo += 10_000_000)
    statements.push(eventsSql(o, dialect, lo, Math.min(o.events, lo + 10_000_000)));
  statements.push(...indexes);
  for (let day = Math.floor((o.nowMs - 30 * DAY_MS) / DAY_MS) * DAY_MS; day <= o.nowMs; day += DAY_MS)
    for (const sql of [ROLLUP, TREE])
      statements.push(sql.replaceAll('$from', String(day)).replaceAll('$to', String(day + DAY_MS)));
  return [...statements, DAILY_ROLLUP];
}

/** Migrates, then loads `events` cost events and their rollups in SQL, and settles the database. */
export async function loadEvents(
  url: string,
  o: Pick<PreloadOptions, 'events' | 'teams' | 'nowMs'>,
  extra: (dialect: 'sqlite' | 'postgres') => string[] = () => [],
): Promise<void> {
  const options = { liveReservations: 0, exceededTeams: 0, ...o };
  await (await openLedger(url)).close(); // migrations
  if (url.startsWith('sqlite:')) loadSqlite(url.slice('sqlite:'.length), options, extra('sqlite'));
  else await loadPostgres(url, options, extra('postgres'));
}

// The events' secondary indexes are dropped for the load and made again after it (the migrations' own statements,
// read back from the schema): one sorted build each instead of an index insert per row.
const SQLITE_EVENT_INDEXES = `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cost_events' AND sql IS NOT NULL`;
const POSTGRES_EVENT_INDEXES = `SELECT indexname AS name, indexdef AS sql FROM pg_indexes
  WHERE tablename = 'cost_events' AND indexname <> 'cost_events_pkey'`;

function loadSqlite(path: string, options: PreloadOptions, extra: string[]): void {
  const db = new Database(path);
  // A bulk load in rollback-journal mode, unsynced: a write-ahead log would grow to the size of the whole load (tens
  // of GB at 100M events) and be copied again at the checkpoint, where the journal keeps only the few pages the load
  // changes (a new ledger's pages are appended). Back to WAL, as the ledger runs, once loaded.
  if (db.pragma('journal_mode = DELETE', { simple: true }) !== 'delete')
    throw new Error(`${path}: could not leave WAL mode for the bulk load`);
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -2000000');
  const indexes = db.prepare(SQLITE_EVENT_INDEXES).all() as { name: string; sql: string }[];
  db.transaction(() => {
    for (const { name } of indexes) db.exec(`DROP INDEX ${name}`);
    const statements = loadStatements(
      options,
      'sqlite',
      indexes.map((i) => i.sql),
    );
    for (const sql of statements) db.exec(sql);
    for (const sql of extra) db.exec(sql);
  })();
  // Settled, as a ledger in service is, not mid bulk load.
  db.pragma('journal_mode = WAL');
  db.pragma('analysis_limit = 1000'); // statistics from samples: a full ANALYZE reads every index of 100M rows
  db.exec('ANALYZE');
  db.close();
}

async function loadPostgres(url: string, options: PreloadOptions, extra: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`SET maintenance_work_mem = '1GB'`);
  await client.query(`SET work_mem = '256MB'`);
  const { rows: indexes } = await client.query<{ name: string; sql: string }>(POSTGRES_EVENT_INDEXES);
  for (const { name } of indexes) await client.query(`DROP INDEX ${name}`);
  const statements = loadStatements(
    options,
    'postgres',
    indexes.map((i) => i.sql),
  );
  for (const sql of statements) await client.query(sql);
  for (const sql of extra) await client.query(sql);
  // Settled, as a ledger in service is, not mid bulk load: no checkpoint or autovacuum of the load during the run.
  await client.query('VACUUM ANALYZE');
  await client.query('CHECKPOINT');
  await client.end();
}

/** Hard monthly budgets for every team (the last `exceededTeams` already spent), counted from the rows. */
export async function putBudgets(
  url: string,
  o: Pick<PreloadOptions, 'teams' | 'exceededTeams' | 'nowMs'>,
): Promise<void> {
  const ledger = await openLedger(url);
  for (let t = 0; t < o.teams; t++) {
    const exceeded = t >= o.teams - o.exceededTeams;
    await ledger.putBudget(
      {
        team: teamName(t),
        period: 'monthly',
        timezone: 'UTC',
        limitUsd: exceeded ? 1 : 100_000,
        thresholds: [0.8, 0.9, 0.95, 1],
        enforcement: 'hard',
      },
      o.nowMs,
    );
  }
  await ledger.close();
}

/** A month of spend, live reservations and budgets: the ledger `genops serve` starts on in the benchmark. */
export async function preloadLedger(url: string, o: PreloadOptions): Promise<void> {
  await loadEvents(url, o, (dialect) => [reservationsSql(o, dialect)]);
  await putBudgets(url, o);
}

/** Removes a bench ledger: a SQLite file's scratch directory, or a PostgreSQL database from its server. */
export async function dropLedger(url: string, serverUrl: string): Promise<void> {
  if (url.startsWith('sqlite:')) {
    rmSync(dirname(url.slice('sqlite:'.length)), { recursive: true, force: true });
    return;
  }
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(`DROP DATABASE ${new URL(url).pathname.slice(1)}`);
  await client.end();
}

/** A new, empty database on the PostgreSQL server at `serverUrl`; its URL. */
export async function freshPostgres(serverUrl: string): Promise<string> {
  const name = `bench_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return serverUrl.replace(/\/[^/]*$/, `/${name}`);
}
