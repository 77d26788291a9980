// The PostgreSQL ledger's schema migrations, frozen: literal SQL, version N at index N-1. A released migration is never
// edited — a change is a new one appended here and in the other dialect's file — and none is built from constants
// the code uses today (a column added to the event would otherwise rewrite version 1). The schema they make is
// checked against test/ledger/fixtures/schema-postgres.txt.

import { HOUR_TREE_FILL } from './hour-tree-fill.js';

export const POSTGRES_MIGRATIONS: readonly string[] = [
  // 1. Cost events, identified by (trace, span), and their hourly rollup by every report dimension.
  `CREATE TABLE cost_events (
      trace_id TEXT NOT NULL, span_id TEXT NOT NULL, event_time BIGINT NOT NULL,
      team TEXT NOT NULL, project TEXT NOT NULL, customer TEXT NOT NULL, feature TEXT NOT NULL,
      environment TEXT NOT NULL, cost_center TEXT NOT NULL, experiment TEXT NOT NULL, variant TEXT NOT NULL,
      model TEXT NOT NULL, served_model TEXT NOT NULL, provider TEXT NOT NULL, served_provider TEXT NOT NULL,
      cost_nano BIGINT NOT NULL, cost_source TEXT NOT NULL, input_tokens BIGINT NOT NULL,
      output_tokens BIGINT NOT NULL, is_error INTEGER NOT NULL, duration_ms DOUBLE PRECISION NOT NULL,
      reservation_id TEXT NOT NULL,
      PRIMARY KEY (trace_id, span_id)
    );
    CREATE INDEX cost_events_time ON cost_events (event_time);
    CREATE TABLE cost_rollup_hourly (
      hour BIGINT NOT NULL, team TEXT NOT NULL, project TEXT NOT NULL, feature TEXT NOT NULL, environment TEXT NOT NULL, model TEXT NOT NULL, served_provider TEXT NOT NULL, cost_center TEXT NOT NULL, experiment TEXT NOT NULL, variant TEXT NOT NULL,
      cost_nano BIGINT NOT NULL, requests BIGINT NOT NULL, errors BIGINT NOT NULL,
      input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL,
      PRIMARY KEY (hour, team, project, feature, environment, model, served_provider, cost_center, experiment, variant)
    );`,
  // 2. Budgets, and the reservations admission holds against them.
  `CREATE INDEX cost_events_team_time ON cost_events (team, event_time);
    CREATE TABLE budgets (team TEXT PRIMARY KEY, spec TEXT NOT NULL, updated_ms BIGINT NOT NULL);
    CREATE TABLE reservations (
      id TEXT PRIMARY KEY, team TEXT NOT NULL, amount_nano BIGINT NOT NULL,
      created_ms BIGINT NOT NULL, expires_ms BIGINT NOT NULL, status TEXT NOT NULL
    );
    CREATE INDEX reservations_team ON reservations (team, status, expires_ms);`,
  // 3. Budget alerts fired, once per team, period and alert.
  `CREATE TABLE budget_alerts_fired (
      team TEXT NOT NULL, period_start BIGINT NOT NULL, alert_key TEXT NOT NULL, fired_ms BIGINT NOT NULL,
      PRIMARY KEY (team, period_start, alert_key)
    );`,
  // 4. Counters for O(1) admission (budget-counters.ts). Bounds 0/0 match no period, so the first admission after the
  // upgrade counts each budget from the raw rows. Reservations that left the live state are dropped.
  `ALTER TABLE budgets ADD COLUMN period_start BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE budgets ADD COLUMN period_end BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE budgets ADD COLUMN window_ms BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE budgets ADD COLUMN limit_nano BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE budgets ADD COLUMN hard INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE budgets ADD COLUMN spent_nano BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE budgets ADD COLUMN reserved_nano BIGINT NOT NULL DEFAULT 0;
    DELETE FROM reservations WHERE status <> 'active';
    CREATE INDEX reservations_expiry ON reservations (expires_ms);`,
  // 5. Nothing for PostgreSQL: its heap already stores rows in arrival order (SQLite's table was rebuilt).
  `SELECT 1;`,
  // 6. Who manages a budget: '' through the API, or the path of the budgets file that declares it.
  `ALTER TABLE budgets ADD COLUMN managed_by TEXT NOT NULL DEFAULT '';`,
  // 7. Budget alerts to deliver, one row per alert and sink, written with the decision that fired the alert and deleted
  // only once delivered: a crash in between loses nothing.
  `CREATE TABLE budget_alert_outbox (
      id TEXT NOT NULL, sink TEXT NOT NULL, alert TEXT NOT NULL, created_ms BIGINT NOT NULL,
      attempts INTEGER NOT NULL, next_attempt_ms BIGINT NOT NULL, last_error TEXT NOT NULL,
      PRIMARY KEY (id, sink)
    );
    CREATE INDEX budget_alert_outbox_due ON budget_alert_outbox (next_attempt_ms);`,
  // 8. The part of each cost the model provider billed (OpenRouter BYOK: on the caller's own key).
  `ALTER TABLE cost_events ADD COLUMN upstream_nano BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE cost_rollup_hourly ADD COLUMN upstream_nano BIGINT NOT NULL DEFAULT 0;`,
  // 9. Reconciliation with the provider's bill (reconcile/reconciler.ts): calls keep their OpenRouter generation id;
  // adjustments are rows of their own; the queue holds each call to check, written with the call.
  `ALTER TABLE cost_events ADD COLUMN generation_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE cost_events ADD COLUMN is_adjustment INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE reconciliations (
      generation_id TEXT PRIMARY KEY, trace_id TEXT NOT NULL, span_id TEXT NOT NULL,
      event_time BIGINT NOT NULL, model TEXT NOT NULL, cost_source TEXT NOT NULL,
      recorded_nano BIGINT NOT NULL, recorded_upstream_nano BIGINT NOT NULL,
      status TEXT NOT NULL, attempts INTEGER NOT NULL, created_ms BIGINT NOT NULL, next_attempt_ms BIGINT NOT NULL,
      billed_nano BIGINT NOT NULL, billed_upstream_nano BIGINT NOT NULL, billed_provider TEXT NOT NULL,
      reconciled_ms BIGINT NOT NULL, last_error TEXT NOT NULL
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
    ALTER TABLE cost_events ADD COLUMN client_cost_nano BIGINT NOT NULL DEFAULT -1;
    ALTER TABLE cost_events ADD COLUMN model_name TEXT NOT NULL DEFAULT '';
    ALTER TABLE cost_events ADD COLUMN cache_read_tokens BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE cost_events ADD COLUMN cache_write_tokens BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE cost_events ADD COLUMN cache_write_1h_tokens BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE cost_events ADD COLUMN reasoning_tokens BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE cost_events ADD COLUMN web_searches BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE cost_events ADD COLUMN service_tier TEXT NOT NULL DEFAULT '';
    ALTER TABLE cost_events ADD COLUMN unpriced_requests BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE cost_events ADD COLUMN unpriced_tokens BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE cost_rollup_hourly ADD COLUMN unpriced_requests BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE cost_rollup_hourly ADD COLUMN unpriced_tokens BIGINT NOT NULL DEFAULT 0;
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
      day BIGINT NOT NULL, team TEXT NOT NULL, project TEXT NOT NULL, feature TEXT NOT NULL, environment TEXT NOT NULL, model TEXT NOT NULL, served_provider TEXT NOT NULL, cost_center TEXT NOT NULL, experiment TEXT NOT NULL, variant TEXT NOT NULL,
      cost_nano BIGINT NOT NULL, requests BIGINT NOT NULL, errors BIGINT NOT NULL, input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL, upstream_nano BIGINT NOT NULL, unpriced_requests BIGINT NOT NULL, unpriced_tokens BIGINT NOT NULL,
      PRIMARY KEY (day, team, project, feature, environment, model, served_provider, cost_center, experiment, variant)
    );
    INSERT INTO cost_rollup_daily (day, team, project, feature, environment, model, served_provider, cost_center, experiment, variant, cost_nano, requests, errors, input_tokens, output_tokens, upstream_nano, unpriced_requests, unpriced_tokens)
      SELECT hour / 24, team, project, feature, environment, model, served_provider, cost_center, experiment, variant, SUM(cost_nano), SUM(requests), SUM(errors), SUM(input_tokens), SUM(output_tokens), SUM(upstream_nano), SUM(unpriced_requests), SUM(unpriced_tokens)
      FROM cost_rollup_hourly GROUP BY hour / 24, team, project, feature, environment, model, served_provider, cost_center, experiment, variant;`,
  // 12. The event's identity as bytes (decode/event-id.ts: a tag byte, then a hex id's bytes, or text): 17 and 9 bytes
  // for a trace and a span id instead of 32 and 16 characters, in the primary key every insert searches. Every row
  // keeps its identity: the same text id maps to the same bytes, so a span delivered again is still a duplicate.
  `ALTER TABLE cost_events
      ALTER COLUMN trace_id TYPE BYTEA USING CASE
        WHEN trace_id ~ '^([0-9a-f]{2})+$' THEN '\\x00'::bytea || decode(trace_id, 'hex')
        WHEN trace_id ~ '^rep-([0-9a-f]{2})+$' THEN '\\x01'::bytea || decode(substr(trace_id, 5), 'hex')
        WHEN trace_id LIKE 'adj-%' THEN '\\x02'::bytea || convert_to(substr(trace_id, 5), 'UTF8')
        ELSE '\\x03'::bytea || convert_to(trace_id, 'UTF8') END,
      ALTER COLUMN span_id TYPE BYTEA USING CASE
        WHEN span_id ~ '^([0-9a-f]{2})+$' THEN '\\x00'::bytea || decode(span_id, 'hex')
        WHEN span_id ~ '^rep-([0-9a-f]{2})+$' THEN '\\x01'::bytea || decode(substr(span_id, 5), 'hex')
        WHEN span_id LIKE 'adj-%' THEN '\\x02'::bytea || convert_to(substr(span_id, 5), 'UTF8')
        ELSE '\\x03'::bytea || convert_to(span_id, 'UTF8') END;
    ALTER TABLE reconciliations
      ALTER COLUMN trace_id TYPE BYTEA USING CASE
        WHEN trace_id ~ '^([0-9a-f]{2})+$' THEN '\\x00'::bytea || decode(trace_id, 'hex')
        WHEN trace_id ~ '^rep-([0-9a-f]{2})+$' THEN '\\x01'::bytea || decode(substr(trace_id, 5), 'hex')
        WHEN trace_id LIKE 'adj-%' THEN '\\x02'::bytea || convert_to(substr(trace_id, 5), 'UTF8')
        ELSE '\\x03'::bytea || convert_to(trace_id, 'UTF8') END,
      ALTER COLUMN span_id TYPE BYTEA USING CASE
        WHEN span_id ~ '^([0-9a-f]{2})+$' THEN '\\x00'::bytea || decode(span_id, 'hex')
        WHEN span_id ~ '^rep-([0-9a-f]{2})+$' THEN '\\x01'::bytea || decode(substr(span_id, 5), 'hex')
        WHEN span_id LIKE 'adj-%' THEN '\\x02'::bytea || convert_to(substr(span_id, 5), 'UTF8')
        ELSE '\\x03'::bytea || convert_to(span_id, 'UTF8') END;`,
  // 13. Budgets on any scope (budget/budget-scope.ts): a budget row is keyed by its scope's key (a team's budget by
  // `team=<name>`), a template's counter per value names its template; a reservation holds one row per budget that
  // admitted it, so its release, settlement and expiry lower each one; a fired alert names its budget's key. Counters
  // of "each customer" templates are counted from the raw rows by customer.
  `ALTER TABLE budgets RENAME COLUMN team TO scope_key;
    UPDATE budgets SET scope_key = 'team=' || replace(replace(replace(scope_key, '%', '%25'), '&', '%26'), '=', '%3D');
    ALTER TABLE budgets ADD COLUMN template_key TEXT NOT NULL DEFAULT '';
    CREATE INDEX budgets_template ON budgets (template_key, scope_key);
    ALTER TABLE reservations ADD COLUMN budget_key TEXT NOT NULL DEFAULT '';
    UPDATE reservations SET budget_key = 'team=' || replace(replace(replace(team, '%', '%25'), '&', '%26'), '=', '%3D');
    ALTER TABLE reservations DROP CONSTRAINT reservations_pkey, ADD PRIMARY KEY (id, budget_key);
    CREATE INDEX reservations_budget ON reservations (budget_key);
    ALTER TABLE budget_alerts_fired RENAME COLUMN team TO budget_key;
    UPDATE budget_alerts_fired SET budget_key = 'team=' || replace(replace(replace(budget_key, '%', '%25'), '&', '%26'), '=', '%3D');
    CREATE INDEX cost_events_customer_time ON cost_events (customer, event_time);`,
  // 14. Nothing on PostgreSQL (SQLite drops the reservations indexes only the console's listing and a budget's recount
  // read). Measured here with bench:budgets, two processors: with them dropped, admission got slower, not
  // faster (one budget p50 1.6 -> 3.8-4.5 ms, four budgets p50 84-101 -> 1,374-1,706 ms, two runs each), for a reason
  // not found yet; so PostgreSQL keeps them.
  `SELECT 1;`,
  // 15. The hour tree (ledger/hour-tree.ts): each hour's spend per rollup key in 15-second steps as a Fenwick tree, so a
  // report's partial hours are at most 7 nodes and under 15 s of raw events each, however dense the ledger. Filled
  // from the events.
  `CREATE TABLE cost_rollup_hour_tree (
      hour BIGINT NOT NULL, node INTEGER NOT NULL, team TEXT NOT NULL, project TEXT NOT NULL, feature TEXT NOT NULL, environment TEXT NOT NULL, model TEXT NOT NULL, served_provider TEXT NOT NULL, cost_center TEXT NOT NULL, experiment TEXT NOT NULL, variant TEXT NOT NULL,
      cost_nano BIGINT NOT NULL, upstream_nano BIGINT NOT NULL, requests BIGINT NOT NULL, errors BIGINT NOT NULL, input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL, unpriced_requests BIGINT NOT NULL, unpriced_tokens BIGINT NOT NULL,
      PRIMARY KEY (hour, node, team, project, feature, environment, model, served_provider, cost_center, experiment, variant)
    );
    ${HOUR_TREE_FILL};`,
  // 16. Escrow leases (lease-scripts.ts): a processor's share of a hot budget's headroom, held as a reservation row with
  // status 'lease'. The few lease rows are found by budget without reading the budget's live reservations.
  `CREATE INDEX reservations_leases ON reservations (budget_key) WHERE status = 'lease';`,
];
