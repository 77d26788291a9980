// The SQLite ledger's schema migrations, frozen: literal SQL, version N at index N-1. A released migration is never
// edited — a change is a new one appended here and in the other dialect's file — and none is built from constants
// the code uses today (a column added to the event would otherwise rewrite version 1). The schema they make is
// checked against test/ledger/fixtures/schema-sqlite.txt.

import { HOUR_TREE_FILL } from './hour-tree-fill.js';

export const SQLITE_MIGRATIONS: readonly string[] = [
  // 1. Cost events, identified by (trace, span), and their hourly rollup by every report dimension.
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
      hour INTEGER NOT NULL, team TEXT NOT NULL, project TEXT NOT NULL, feature TEXT NOT NULL, environment TEXT NOT NULL, model TEXT NOT NULL, served_provider TEXT NOT NULL, cost_center TEXT NOT NULL, experiment TEXT NOT NULL, variant TEXT NOT NULL,
      cost_nano INTEGER NOT NULL, requests INTEGER NOT NULL, errors INTEGER NOT NULL,
      input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
      PRIMARY KEY (hour, team, project, feature, environment, model, served_provider, cost_center, experiment, variant)
    ) WITHOUT ROWID;`,
  // 2. Budgets, and the reservations admission holds against them.
  `CREATE INDEX cost_events_team_time ON cost_events (team, event_time);
    CREATE TABLE budgets (team TEXT PRIMARY KEY, spec TEXT NOT NULL, updated_ms INTEGER NOT NULL);
    CREATE TABLE reservations (
      id TEXT PRIMARY KEY, team TEXT NOT NULL, amount_nano INTEGER NOT NULL,
      created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL, status TEXT NOT NULL
    );
    CREATE INDEX reservations_team ON reservations (team, status, expires_ms);`,
  // 3. Budget alerts fired, once per team, period and alert.
  `CREATE TABLE budget_alerts_fired (
      team TEXT NOT NULL, period_start INTEGER NOT NULL, alert_key TEXT NOT NULL, fired_ms INTEGER NOT NULL,
      PRIMARY KEY (team, period_start, alert_key)
    );`,
  // 4. Counters for O(1) admission (budget-counters.ts). Bounds 0/0 match no period, so the first admission after the
  // upgrade counts each budget from the raw rows. Reservations that left the live state are dropped.
  `ALTER TABLE budgets ADD COLUMN period_start INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE budgets ADD COLUMN period_end INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE budgets ADD COLUMN window_ms INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE budgets ADD COLUMN limit_nano INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE budgets ADD COLUMN hard INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE budgets ADD COLUMN spent_nano INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE budgets ADD COLUMN reserved_nano INTEGER NOT NULL DEFAULT 0;
    DELETE FROM reservations WHERE status <> 'active';
    CREATE INDEX reservations_expiry ON reservations (expires_ms);`,
  // 5. SQLite: events in a rowid table, stored in arrival (≈ time) order, with the identity as a unique index. Keyed
  // on random trace ids, the WITHOUT ROWID table split and moved whole rows on every insert; time-range scans now
  // read neighbouring rows.
  `CREATE TABLE cost_events_v5 (
    trace_id TEXT NOT NULL, span_id TEXT NOT NULL, event_time INTEGER NOT NULL,
    team TEXT NOT NULL, project TEXT NOT NULL, customer TEXT NOT NULL, feature TEXT NOT NULL,
    environment TEXT NOT NULL, cost_center TEXT NOT NULL, experiment TEXT NOT NULL, variant TEXT NOT NULL,
    model TEXT NOT NULL, served_model TEXT NOT NULL, provider TEXT NOT NULL, served_provider TEXT NOT NULL,
    cost_nano INTEGER NOT NULL, cost_source TEXT NOT NULL, input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL, is_error INTEGER NOT NULL, duration_ms REAL NOT NULL,
    reservation_id TEXT NOT NULL
      );
      INSERT INTO cost_events_v5 SELECT * FROM cost_events ORDER BY event_time;
      DROP TABLE cost_events;
      ALTER TABLE cost_events_v5 RENAME TO cost_events;
      CREATE UNIQUE INDEX cost_events_identity ON cost_events (trace_id, span_id);
      CREATE INDEX cost_events_time ON cost_events (event_time);
      CREATE INDEX cost_events_team_time ON cost_events (team, event_time);`,
  // 6. Who manages a budget: '' through the API, or the path of the budgets file that declares it.
  `ALTER TABLE budgets ADD COLUMN managed_by TEXT NOT NULL DEFAULT '';`,
  // 7. Budget alerts to deliver, one row per alert and sink, written with the decision that fired the alert and deleted
  // only once delivered: a crash in between loses nothing.
  `CREATE TABLE budget_alert_outbox (
      id TEXT NOT NULL, sink TEXT NOT NULL, alert TEXT NOT NULL, created_ms INTEGER NOT NULL,
      attempts INTEGER NOT NULL, next_attempt_ms INTEGER NOT NULL, last_error TEXT NOT NULL,
      PRIMARY KEY (id, sink)
    );
    CREATE INDEX budget_alert_outbox_due ON budget_alert_outbox (next_attempt_ms);`,
  // 8. The part of each cost the model provider billed (OpenRouter BYOK: on the caller's own key).
  `ALTER TABLE cost_events ADD COLUMN upstream_nano INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cost_rollup_hourly ADD COLUMN upstream_nano INTEGER NOT NULL DEFAULT 0;`,
  // 9. Reconciliation with the provider's bill (reconcile/reconciler.ts): calls keep their OpenRouter generation id;
  // adjustments are rows of their own; the queue holds each call to check, written with the call.
  `ALTER TABLE cost_events ADD COLUMN generation_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE cost_events ADD COLUMN is_adjustment INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE reconciliations (
      generation_id TEXT PRIMARY KEY, trace_id TEXT NOT NULL, span_id TEXT NOT NULL,
      event_time INTEGER NOT NULL, model TEXT NOT NULL, cost_source TEXT NOT NULL,
      recorded_nano INTEGER NOT NULL, recorded_upstream_nano INTEGER NOT NULL,
      status TEXT NOT NULL, attempts INTEGER NOT NULL, created_ms INTEGER NOT NULL, next_attempt_ms INTEGER NOT NULL,
      billed_nano INTEGER NOT NULL, billed_upstream_nano INTEGER NOT NULL, billed_provider TEXT NOT NULL,
      reconciled_ms INTEGER NOT NULL, last_error TEXT NOT NULL
    );
    CREATE INDEX reconciliations_due ON reconciliations (status, next_attempt_ms);
    CREATE INDEX reconciliations_time ON reconciliations (event_time);`,
  // 10. The console: the model of each reservation in flight, whether OpenRouter fell back for a call, and where each
  // fired alert was to go and went. The price authority: what the service recorded for a call the processor priced
  // itself (-1: the processor kept the service's cost), the name the client sent for a model the catalog knows under
  // another id, the whole usage (to price an unpriced call exactly once a price arrives), and the unpriced calls
  // counted in events and rollups (a re-pricing adjustment counts -1).
  `ALTER TABLE reservations ADD COLUMN model TEXT NOT NULL DEFAULT '';
    ALTER TABLE cost_events ADD COLUMN is_fallback INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cost_events ADD COLUMN client_cost_nano INTEGER NOT NULL DEFAULT -1;
    ALTER TABLE cost_events ADD COLUMN model_name TEXT NOT NULL DEFAULT '';
    ALTER TABLE cost_events ADD COLUMN cache_read_tokens INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cost_events ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cost_events ADD COLUMN cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cost_events ADD COLUMN reasoning_tokens INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cost_events ADD COLUMN web_searches INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cost_events ADD COLUMN service_tier TEXT NOT NULL DEFAULT '';
    ALTER TABLE cost_events ADD COLUMN unpriced_requests INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cost_events ADD COLUMN unpriced_tokens INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cost_rollup_hourly ADD COLUMN unpriced_requests INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cost_rollup_hourly ADD COLUMN unpriced_tokens INTEGER NOT NULL DEFAULT 0;
    UPDATE cost_events SET unpriced_requests = 1, unpriced_tokens = input_tokens + output_tokens
      WHERE cost_source = 'unknown' AND is_adjustment = 0;
    UPDATE cost_rollup_hourly SET
      unpriced_requests = (SELECT COUNT(*) FROM cost_events e WHERE e.unpriced_requests = 1
        AND e.event_time >= cost_rollup_hourly.hour * 3600000 AND e.event_time < (cost_rollup_hourly.hour + 1) * 3600000
        AND e.team = cost_rollup_hourly.team AND e.project = cost_rollup_hourly.project
        AND e.feature = cost_rollup_hourly.feature AND e.environment = cost_rollup_hourly.environment
        AND e.model = cost_rollup_hourly.model AND e.served_provider = cost_rollup_hourly.served_provider
        AND e.cost_center = cost_rollup_hourly.cost_center AND e.experiment = cost_rollup_hourly.experiment
        AND e.variant = cost_rollup_hourly.variant),
      unpriced_tokens = (SELECT COALESCE(SUM(e.unpriced_tokens), 0) FROM cost_events e WHERE e.unpriced_requests = 1
        AND e.event_time >= cost_rollup_hourly.hour * 3600000 AND e.event_time < (cost_rollup_hourly.hour + 1) * 3600000
        AND e.team = cost_rollup_hourly.team AND e.project = cost_rollup_hourly.project
        AND e.feature = cost_rollup_hourly.feature AND e.environment = cost_rollup_hourly.environment
        AND e.model = cost_rollup_hourly.model AND e.served_provider = cost_rollup_hourly.served_provider
        AND e.cost_center = cost_rollup_hourly.cost_center AND e.experiment = cost_rollup_hourly.experiment
        AND e.variant = cost_rollup_hourly.variant)
      WHERE hour IN (SELECT DISTINCT event_time / 3600000 FROM cost_events WHERE unpriced_requests = 1);
    CREATE INDEX cost_events_unpriced ON cost_events (event_time) WHERE unpriced_requests = 1;
    ALTER TABLE budget_alerts_fired ADD COLUMN alert_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE budget_alerts_fired ADD COLUMN sinks TEXT NOT NULL DEFAULT '';
    ALTER TABLE budget_alerts_fired ADD COLUMN delivered TEXT NOT NULL DEFAULT '';
    CREATE INDEX budget_alerts_fired_id ON budget_alerts_fired (alert_id);
    CREATE INDEX reservations_created ON reservations (created_ms);`,
  // 11. Daily rollups beside the hourly ones (UTC days): a report reads whole days from here, the hours at its edges
  // from the hourly rollup and the partial hours from the events, so its cost depends on neither the ledger's size nor
  // the range's length. Filled from the hourly rollup, which holds the same sums.
  `CREATE TABLE cost_rollup_daily (
      day INTEGER NOT NULL, team TEXT NOT NULL, project TEXT NOT NULL, feature TEXT NOT NULL, environment TEXT NOT NULL, model TEXT NOT NULL, served_provider TEXT NOT NULL, cost_center TEXT NOT NULL, experiment TEXT NOT NULL, variant TEXT NOT NULL,
      cost_nano INTEGER NOT NULL, requests INTEGER NOT NULL, errors INTEGER NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, upstream_nano INTEGER NOT NULL, unpriced_requests INTEGER NOT NULL, unpriced_tokens INTEGER NOT NULL,
      PRIMARY KEY (day, team, project, feature, environment, model, served_provider, cost_center, experiment, variant)
    ) WITHOUT ROWID;
    INSERT INTO cost_rollup_daily (day, team, project, feature, environment, model, served_provider, cost_center, experiment, variant, cost_nano, requests, errors, input_tokens, output_tokens, upstream_nano, unpriced_requests, unpriced_tokens)
      SELECT hour / 24, team, project, feature, environment, model, served_provider, cost_center, experiment, variant, SUM(cost_nano), SUM(requests), SUM(errors), SUM(input_tokens), SUM(output_tokens), SUM(upstream_nano), SUM(unpriced_requests), SUM(unpriced_tokens)
      FROM cost_rollup_hourly GROUP BY hour / 24, team, project, feature, environment, model, served_provider, cost_center, experiment, variant;`,
  // 12. The event's identity as bytes (decode/event-id.ts: a tag byte, then a hex id's bytes, or text): 17 and 9 bytes
  // for a trace and a span id instead of 32 and 16 characters, in the identity index every insert searches. Every
  // row keeps its identity: the same text id maps to the same bytes, so a span delivered again is still a duplicate.
  `CREATE TABLE cost_events_v12 ( trace_id BLOB NOT NULL, span_id BLOB NOT NULL, event_time INTEGER NOT NULL, team TEXT NOT NULL, project TEXT NOT NULL, customer TEXT NOT NULL, feature TEXT NOT NULL, environment TEXT NOT NULL, cost_center TEXT NOT NULL, experiment TEXT NOT NULL, variant TEXT NOT NULL, model TEXT NOT NULL, served_model TEXT NOT NULL, provider TEXT NOT NULL, served_provider TEXT NOT NULL, cost_nano INTEGER NOT NULL, cost_source TEXT NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, is_error INTEGER NOT NULL, duration_ms REAL NOT NULL, reservation_id TEXT NOT NULL , upstream_nano INTEGER NOT NULL DEFAULT 0, generation_id TEXT NOT NULL DEFAULT '', is_adjustment INTEGER NOT NULL DEFAULT 0, is_fallback INTEGER NOT NULL DEFAULT 0, client_cost_nano INTEGER NOT NULL DEFAULT -1, model_name TEXT NOT NULL DEFAULT '', cache_read_tokens INTEGER NOT NULL DEFAULT 0, cache_write_tokens INTEGER NOT NULL DEFAULT 0, cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0, reasoning_tokens INTEGER NOT NULL DEFAULT 0, web_searches INTEGER NOT NULL DEFAULT 0, service_tier TEXT NOT NULL DEFAULT '', unpriced_requests INTEGER NOT NULL DEFAULT 0, unpriced_tokens INTEGER NOT NULL DEFAULT 0);
    INSERT INTO cost_events_v12 (trace_id, span_id, event_time, team, project, customer, feature, environment, cost_center, experiment, variant, model, served_model, provider, served_provider, cost_nano, cost_source, input_tokens, output_tokens, is_error, duration_ms, reservation_id, upstream_nano, generation_id, is_adjustment, is_fallback, client_cost_nano, model_name, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, reasoning_tokens, web_searches, service_tier, unpriced_requests, unpriced_tokens)
      SELECT CASE
        WHEN trace_id <> '' AND length(trace_id) % 2 = 0 AND trace_id NOT GLOB '*[^0-9a-f]*' THEN unhex('00' || trace_id)
        WHEN trace_id GLOB 'rep-?*' AND length(trace_id) % 2 = 0 AND substr(trace_id, 5) NOT GLOB '*[^0-9a-f]*' THEN unhex('01' || substr(trace_id, 5))
        WHEN trace_id GLOB 'adj-*' THEN unhex('02' || hex(substr(trace_id, 5)))
        ELSE unhex('03' || hex(trace_id)) END, CASE
        WHEN span_id <> '' AND length(span_id) % 2 = 0 AND span_id NOT GLOB '*[^0-9a-f]*' THEN unhex('00' || span_id)
        WHEN span_id GLOB 'rep-?*' AND length(span_id) % 2 = 0 AND substr(span_id, 5) NOT GLOB '*[^0-9a-f]*' THEN unhex('01' || substr(span_id, 5))
        WHEN span_id GLOB 'adj-*' THEN unhex('02' || hex(substr(span_id, 5)))
        ELSE unhex('03' || hex(span_id)) END, event_time, team, project, customer, feature, environment, cost_center, experiment, variant, model, served_model, provider, served_provider, cost_nano, cost_source, input_tokens, output_tokens, is_error, duration_ms, reservation_id, upstream_nano, generation_id, is_adjustment, is_fallback, client_cost_nano, model_name, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, reasoning_tokens, web_searches, service_tier, unpriced_requests, unpriced_tokens
      FROM cost_events ORDER BY rowid;
    DROP TABLE cost_events;
    ALTER TABLE cost_events_v12 RENAME TO cost_events;
    CREATE UNIQUE INDEX cost_events_identity ON cost_events (trace_id, span_id);
    CREATE INDEX cost_events_time ON cost_events (event_time);
    CREATE INDEX cost_events_team_time ON cost_events (team, event_time);
    CREATE INDEX cost_events_unpriced ON cost_events (event_time) WHERE unpriced_requests = 1;
    CREATE TABLE reconciliations_v12 ( generation_id TEXT PRIMARY KEY, trace_id BLOB NOT NULL, span_id BLOB NOT NULL, event_time INTEGER NOT NULL, model TEXT NOT NULL, cost_source TEXT NOT NULL, recorded_nano INTEGER NOT NULL, recorded_upstream_nano INTEGER NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, created_ms INTEGER NOT NULL, next_attempt_ms INTEGER NOT NULL, billed_nano INTEGER NOT NULL, billed_upstream_nano INTEGER NOT NULL, billed_provider TEXT NOT NULL, reconciled_ms INTEGER NOT NULL, last_error TEXT NOT NULL );
    INSERT INTO reconciliations_v12 (generation_id, trace_id, span_id, event_time, model, cost_source, recorded_nano, recorded_upstream_nano, status, attempts, created_ms, next_attempt_ms, billed_nano, billed_upstream_nano, billed_provider, reconciled_ms, last_error)
      SELECT generation_id, CASE
        WHEN trace_id <> '' AND length(trace_id) % 2 = 0 AND trace_id NOT GLOB '*[^0-9a-f]*' THEN unhex('00' || trace_id)
        WHEN trace_id GLOB 'rep-?*' AND length(trace_id) % 2 = 0 AND substr(trace_id, 5) NOT GLOB '*[^0-9a-f]*' THEN unhex('01' || substr(trace_id, 5))
        WHEN trace_id GLOB 'adj-*' THEN unhex('02' || hex(substr(trace_id, 5)))
        ELSE unhex('03' || hex(trace_id)) END, CASE
        WHEN span_id <> '' AND length(span_id) % 2 = 0 AND span_id NOT GLOB '*[^0-9a-f]*' THEN unhex('00' || span_id)
        WHEN span_id GLOB 'rep-?*' AND length(span_id) % 2 = 0 AND substr(span_id, 5) NOT GLOB '*[^0-9a-f]*' THEN unhex('01' || substr(span_id, 5))
        WHEN span_id GLOB 'adj-*' THEN unhex('02' || hex(substr(span_id, 5)))
        ELSE unhex('03' || hex(span_id)) END, event_time, model, cost_source, recorded_nano, recorded_upstream_nano, status, attempts, created_ms, next_attempt_ms, billed_nano, billed_upstream_nano, billed_provider, reconciled_ms, last_error
      FROM reconciliations;
    DROP TABLE reconciliations;
    ALTER TABLE reconciliations_v12 RENAME TO reconciliations;
    CREATE INDEX reconciliations_due ON reconciliations (status, next_attempt_ms);
    CREATE INDEX reconciliations_time ON reconciliations (event_time);`,
  // 13. Budgets on any scope (budget/budget-scope.ts): a budget row is keyed by its scope's key (a team's budget by
  // `team=<name>`), a template's counter per value names its template; a reservation holds one row per budget that
  // admitted it, so its release, settlement and expiry lower each one; a fired alert names its budget's key. Counters
  // of "each customer" templates are counted from the raw rows by customer.
  `ALTER TABLE budgets RENAME COLUMN team TO scope_key;
    UPDATE budgets SET scope_key = 'team=' || replace(replace(replace(scope_key, '%', '%25'), '&', '%26'), '=', '%3D');
    ALTER TABLE budgets ADD COLUMN template_key TEXT NOT NULL DEFAULT '';
    CREATE INDEX budgets_template ON budgets (template_key, scope_key);
    CREATE TABLE reservations_v13 (
      id TEXT NOT NULL, budget_key TEXT NOT NULL, team TEXT NOT NULL, amount_nano INTEGER NOT NULL,
      created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL, status TEXT NOT NULL, model TEXT NOT NULL DEFAULT '',
      PRIMARY KEY (id, budget_key)
    );
    INSERT INTO reservations_v13 (id, budget_key, team, amount_nano, created_ms, expires_ms, status, model)
      SELECT id, 'team=' || replace(replace(replace(team, '%', '%25'), '&', '%26'), '=', '%3D'), team, amount_nano, created_ms, expires_ms, status, model
      FROM reservations;
    DROP TABLE reservations;
    ALTER TABLE reservations_v13 RENAME TO reservations;
    CREATE INDEX reservations_team ON reservations (team, status, expires_ms);
    CREATE INDEX reservations_expiry ON reservations (expires_ms);
    CREATE INDEX reservations_created ON reservations (created_ms);
    CREATE INDEX reservations_budget ON reservations (budget_key);
    ALTER TABLE budget_alerts_fired RENAME COLUMN team TO budget_key;
    UPDATE budget_alerts_fired SET budget_key = 'team=' || replace(replace(replace(budget_key, '%', '%25'), '&', '%26'), '=', '%3D');
    CREATE INDEX cost_events_customer_time ON cost_events (customer, event_time);`,
  // 14. Admission writes less: the reservations indexes only the console's listing and a budget's recount read
  // (`genops budgets recount`, a changed budget; both scan a table of live reservations well enough) are dropped: a
  // call held against four budgets wrote 20 index entries, now 8 (in-process: about 490 -> 300 µs an admission under
  // four budgets). Expiry's index stays. SQLite only: on PostgreSQL dropping them measured slower
  // (postgres-migrations.ts).
  `DROP INDEX reservations_team;
    DROP INDEX reservations_created;
    DROP INDEX reservations_budget;`,
  // 15. The hour tree (ledger/hour-tree.ts): each hour's spend per rollup key in 15-second steps as a Fenwick tree, so a
  // report's partial hours are at most 7 nodes and under 15 s of raw events each, however dense the ledger. Filled
  // from the events.
  `CREATE TABLE cost_rollup_hour_tree (
      hour INTEGER NOT NULL, node INTEGER NOT NULL, team TEXT NOT NULL, project TEXT NOT NULL, feature TEXT NOT NULL, environment TEXT NOT NULL, model TEXT NOT NULL, served_provider TEXT NOT NULL, cost_center TEXT NOT NULL, experiment TEXT NOT NULL, variant TEXT NOT NULL,
      cost_nano INTEGER NOT NULL, upstream_nano INTEGER NOT NULL, requests INTEGER NOT NULL, errors INTEGER NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, unpriced_requests INTEGER NOT NULL, unpriced_tokens INTEGER NOT NULL,
      PRIMARY KEY (hour, node, team, project, feature, environment, model, served_provider, cost_center, experiment, variant)
    ) WITHOUT ROWID;
    ${HOUR_TREE_FILL};`,
  // 16. Escrow leases (lease-scripts.ts): a processor's share of a hot budget's headroom, held as a reservation row with
  // status 'lease'. The few lease rows are found by budget without reading the budget's live reservations.
  `CREATE INDEX reservations_leases ON reservations (budget_key) WHERE status = 'lease';`,
];
