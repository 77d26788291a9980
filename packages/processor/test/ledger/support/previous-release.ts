// A ledger as the previous release left it: the schema of every migration but the last, with rows in each table,
// and the queries that show every row and total — the same before and after the upgrade.

/** Rows written in the previous release's schema (migrations 1–10), one statement each, in both dialects. */
export const PREVIOUS_RELEASE_ROWS: readonly string[] = [
  // Two priced calls, one unpriced call, and a reconciliation adjustment, in one hour.
  `INSERT INTO cost_events (trace_id, span_id, event_time, team, project, customer, feature, environment, cost_center,
     experiment, variant, model, served_model, provider, served_provider, cost_nano, cost_source, input_tokens,
     output_tokens, is_error, duration_ms, reservation_id, upstream_nano, generation_id, is_adjustment,
     unpriced_requests, unpriced_tokens) VALUES
     ('t1', 's1', 1772359800000, 'growth', 'web', 'acme', 'chat', 'prod', 'cc', '', '', 'openai/gpt-4o', 'openai/gpt-4o',
      'openrouter', 'openai', 2500000, 'reported', 1000, 100, 0, 812.5, '', 0, 'gen-1', 0, 0, 0),
     ('t1', 's2', 1772359801000, 'growth', 'web', 'acme', 'chat', 'prod', 'cc', '', '', 'openai/gpt-4o', 'openai/gpt-4o',
      'openrouter', 'openai', 1500000, 'estimated', 400, 80, 1, 90.25, 'r-1', 0, 'gen-2', 0, 0, 0),
     ('t2', 's3', 1772359802000, 'growth', 'web', 'acme', 'chat', 'prod', 'cc', '', '', 'acme/brand-new', 'acme/brand-new',
      'custom', 'custom', 0, 'unknown', 300, 30, 0, 12, '', 0, '', 0, 1, 330),
     ('t1', 'adj-s2', 1772359801000, 'growth', 'web', 'acme', 'chat', 'prod', 'cc', '', '', 'openai/gpt-4o',
      'openai/gpt-4o', 'openrouter', 'openai', 250000, 'reconciled', 0, 0, 0, 0, '', 0, '', 1, 0, 0)`,
  // Two hours of one UTC day (492322 and 492323 are hours 10 and 11 of day 20513) and one of the next.
  `INSERT INTO cost_rollup_hourly (hour, team, project, feature, environment, model, served_provider, cost_center,
     experiment, variant, cost_nano, requests, errors, input_tokens, output_tokens, upstream_nano, unpriced_requests,
     unpriced_tokens) VALUES
     (492322, 'growth', 'web', 'chat', 'prod', 'openai/gpt-4o', 'openai', 'cc', '', '', 4250000, 2, 1, 1400, 180, 0, 0, 0),
     (492322, 'growth', 'web', 'chat', 'prod', 'acme/brand-new', 'custom', 'cc', '', '', 0, 1, 0, 300, 30, 0, 1, 330),
     (492323, 'growth', 'web', 'chat', 'prod', 'openai/gpt-4o', 'openai', 'cc', '', '', 1000000, 1, 0, 500, 50, 0, 0, 0),
     (492336, 'growth', 'web', 'chat', 'prod', 'openai/gpt-4o', 'openai', 'cc', '', '', 7000, 1, 0, 5, 5, 0, 0, 0)`,
  `INSERT INTO budgets (team, spec, updated_ms, period_start, period_end, window_ms, limit_nano, hard, spent_nano,
     reserved_nano, managed_by) VALUES
     ('growth', '{"period":"monthly","limitUsd":100,"enforcement":"hard"}', 1772359000000, 1772323200000,
      1775001600000, 0, 100000000000, 1, 4250000, 1000000, '')`,
  `INSERT INTO reservations (id, team, amount_nano, created_ms, expires_ms, status) VALUES
     ('r-2', 'growth', 1000000, 1772359803000, 1772359863000, 'active')`,
  `INSERT INTO budget_alerts_fired (team, period_start, alert_key, fired_ms) VALUES
     ('growth', 1772323200000, 'threshold:0.5', 1772359804000)`,
  `INSERT INTO budget_alert_outbox (id, sink, alert, created_ms, attempts, next_attempt_ms, last_error) VALUES
     ('a-1', 'webhook', '{"team":"growth"}', 1772359804000, 1, 1772359806000, 'connect ECONNREFUSED')`,
  `INSERT INTO reconciliations (generation_id, trace_id, span_id, event_time, model, cost_source, recorded_nano,
     recorded_upstream_nano, status, attempts, created_ms, next_attempt_ms, billed_nano, billed_upstream_nano,
     billed_provider, reconciled_ms, last_error) VALUES
     ('gen-2', 't1', 's2', 1772359801000, 'openai/gpt-4o', 'estimated', 1500000, 0, 'adjusted', 1, 1772359801000,
      0, 1750000, 0, 'openai', 1772359900000, '')`,
];

/** What must read the same before and after: every table's rows and totals. */
export const INTACT: Record<string, string> = {
  events: `SELECT COUNT(*) AS n, SUM(cost_nano) AS cost, SUM(input_tokens) AS input, SUM(output_tokens) AS output,
             SUM(is_error) AS errors, SUM(is_adjustment) AS adjustments FROM cost_events`,
  rollups: `SELECT COUNT(*) AS n, SUM(cost_nano) AS cost, SUM(requests) AS requests, SUM(errors) AS errors,
              SUM(input_tokens) AS input, SUM(output_tokens) AS output FROM cost_rollup_hourly`,
  budgets: `SELECT team, spec, limit_nano, hard, spent_nano, reserved_nano, period_start, period_end FROM budgets`,
  reservations: `SELECT id, team, amount_nano, status FROM reservations`,
  fired: `SELECT team, period_start, alert_key FROM budget_alerts_fired`,
  outbox: `SELECT id, sink, alert, attempts FROM budget_alert_outbox`,
  reconciliations: `SELECT generation_id, status, recorded_nano, billed_nano FROM reconciliations`,
};

/** What the last migration adds to those rows: the hourly rollup summed per UTC day. */
export const UPGRADED: Record<string, string> = {
  dailyRollups: `SELECT day, model, cost_nano, requests, errors, input_tokens, output_tokens, unpriced_requests,
                   unpriced_tokens FROM cost_rollup_daily ORDER BY day, model`,
};

/** The daily rollup UPGRADED reads after the upgrade. */
export const UPGRADED_ROWS = {
  dailyRollups: [
    {
      day: 20513,
      model: 'acme/brand-new',
      cost_nano: 0,
      requests: 1,
      errors: 0,
      input_tokens: 300,
      output_tokens: 30,
      unpriced_requests: 1,
      unpriced_tokens: 330,
    },
    {
      day: 20513,
      model: 'openai/gpt-4o',
      cost_nano: 5_250_000,
      requests: 3,
      errors: 1,
      input_tokens: 1_900,
      output_tokens: 230,
      unpriced_requests: 0,
      unpriced_tokens: 0,
    },
    {
      day: 20514,
      model: 'openai/gpt-4o',
      cost_nano: 7_000,
      requests: 1,
      errors: 0,
      input_tokens: 5,
      output_tokens: 5,
      unpriced_requests: 0,
      unpriced_tokens: 0,
    },
  ],
};
