// A ledger as an earlier release left it (migrations 1–11), with rows in each table, the queries that show every row
// and total — the same before and after the upgrade — and the identities the upgrade must keep (migration 12 stores
// them as bytes; migration 13 keys budgets, reservations and fired alerts by scope: `team=growth`).
import { expect } from 'vitest';
import type { CostLedger } from '../../../src/ledger/cost-ledger.js';
import { eventFromRow } from '../../../src/ledger/event-columns.js';
import type { Script } from '../../../src/ledger/script.js';
import { unpricedCalls } from '../../../src/prices/repricer.js';
import { event } from '../../support/ledger-contract.js';

/** The migrations the earlier release had applied. */
export const PREVIOUS_RELEASE_MIGRATIONS = 11;

/** Rows written in the previous release's schema (migrations 1–11), one statement each, in both dialects. */
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
      'openai/gpt-4o', 'openrouter', 'openai', 250000, 'reconciled', 0, 0, 0, 0, '', 0, '', 1, 0, 0),
     ('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', 1772359803000, 'growth', 'web', 'acme', 'chat', 'prod',
      'cc', '', '', 'acme/late', 'acme/late', 'custom', 'custom', 0, 'unknown', 10, 1, 0, 5, '', 0, '', 0, 1, 11),
     ('0af7651916cd43dd8448eb211c80319c', 'rep-b7ad6b7169203331', 1772359803000, 'growth', 'web', 'acme', 'chat',
      'prod', 'cc', '', '', 'acme/late', 'acme/late', 'custom', 'custom', 1500, 'repriced', 0, 0, 0, 0, '', 0, '', 1,
      -1, -11)`,
  // Two hours of one UTC day (492322 and 492323 are hours 10 and 11 of day 20513) and one of the next.
  `INSERT INTO cost_rollup_hourly (hour, team, project, feature, environment, model, served_provider, cost_center,
     experiment, variant, cost_nano, requests, errors, input_tokens, output_tokens, upstream_nano, unpriced_requests,
     unpriced_tokens) VALUES
     (492322, 'growth', 'web', 'chat', 'prod', 'openai/gpt-4o', 'openai', 'cc', '', '', 4250000, 2, 1, 1400, 180, 0, 0, 0),
     (492322, 'growth', 'web', 'chat', 'prod', 'acme/brand-new', 'custom', 'cc', '', '', 0, 1, 0, 300, 30, 0, 1, 330),
     (492323, 'growth', 'web', 'chat', 'prod', 'openai/gpt-4o', 'openai', 'cc', '', '', 1000000, 1, 0, 500, 50, 0, 0, 0),
     (492336, 'growth', 'web', 'chat', 'prod', 'openai/gpt-4o', 'openai', 'cc', '', '', 7000, 1, 0, 5, 5, 0, 0, 0)`,
  `INSERT INTO cost_rollup_daily (day, team, project, feature, environment, model, served_provider, cost_center,
     experiment, variant, cost_nano, requests, errors, input_tokens, output_tokens, upstream_nano, unpriced_requests,
     unpriced_tokens) VALUES
     (20513, 'growth', 'web', 'chat', 'prod', 'openai/gpt-4o', 'openai', 'cc', '', '', 5250000, 3, 1, 1900, 230, 0, 0, 0),
     (20513, 'growth', 'web', 'chat', 'prod', 'acme/brand-new', 'custom', 'cc', '', '', 0, 1, 0, 300, 30, 0, 1, 330),
     (20514, 'growth', 'web', 'chat', 'prod', 'openai/gpt-4o', 'openai', 'cc', '', '', 7000, 1, 0, 5, 5, 0, 0, 0)`,
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

/** What must read the same before and after: every table's rows and totals (`AFTER` reads the new columns). */
export const INTACT: Record<string, string> = {
  events: `SELECT COUNT(*) AS n, SUM(cost_nano) AS cost, SUM(input_tokens) AS input, SUM(output_tokens) AS output,
             SUM(is_error) AS errors, SUM(is_adjustment) AS adjustments FROM cost_events`,
  rollups: `SELECT COUNT(*) AS n, SUM(cost_nano) AS cost, SUM(requests) AS requests, SUM(errors) AS errors,
              SUM(input_tokens) AS input, SUM(output_tokens) AS output FROM cost_rollup_hourly`,
  dailyRollups: `SELECT COUNT(*) AS n, SUM(cost_nano) AS cost, SUM(requests) AS requests FROM cost_rollup_daily`,
  budgets: `SELECT team, spec, limit_nano, hard, spent_nano, reserved_nano, period_start, period_end FROM budgets`,
  reservations: `SELECT id, team, amount_nano, status FROM reservations`,
  fired: `SELECT team, period_start, alert_key FROM budget_alerts_fired`,
  outbox: `SELECT id, sink, alert, attempts FROM budget_alert_outbox`,
  reconciliations: `SELECT generation_id, status, recorded_nano, billed_nano FROM reconciliations`,
};

/** INTACT after the upgrade: a team's budget keyed `team=<name>`, its reservation and fired alert naming that key. */
export const INTACT_AFTER: Record<string, string> = {
  ...INTACT,
  budgets: `SELECT substr(scope_key, 6) AS team, spec, limit_nano, hard, spent_nano, reserved_nano, period_start,
    period_end FROM budgets WHERE scope_key = 'team=' || substr(scope_key, 6) AND template_key = ''`,
  reservations: `SELECT id, team, amount_nano, status FROM reservations WHERE budget_key = 'team=' || team`,
  fired: `SELECT substr(budget_key, 6) AS team, period_start, alert_key FROM budget_alerts_fired
    WHERE budget_key LIKE 'team=%'`,
};

/** Every event's identity in the rows above: text ids, a reconciliation and a re-pricing adjustment, hex OTLP ids. */
export const PREVIOUS_IDS: readonly [string, string][] = [
  ['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'],
  ['0af7651916cd43dd8448eb211c80319c', 'rep-b7ad6b7169203331'],
  ['t1', 'adj-s2'],
  ['t1', 's1'],
  ['t1', 's2'],
  ['t2', 's3'],
];

function* queuedCalls(): Script<string[]> {
  const rows = yield {
    sql: `SELECT e.model FROM reconciliations r JOIN cost_events e ON e.trace_id = r.trace_id AND e.span_id = r.span_id`,
    params: [],
  };
  return rows.map((r) => String(r.model));
}

function* storedIds(): Script<[string, string][]> {
  const rows = yield { sql: 'SELECT * FROM cost_events', params: [] };
  return rows
    .map(eventFromRow)
    .map((e): [string, string] => [e.traceId, e.spanId])
    .sort(([a, b], [c, d]) => (a + b < c + d ? -1 : 1));
}

/**
 * After the upgrade every event reads back with its identity, the same spans delivered again are duplicates, the
 * reconciliation queue still finds its call, and the unpriced call's re-pricing still counts as done.
 */
/**
 * Migration 15 filled the hour tree from the events: the first 41 steps of hour 492322 (its first 10 min 15 s, the
 * calls all in step 40) are read from the tree alone, and add up to the events.
 */
export async function expectHourTreeFilled(ledger: CostLedger): Promise<void> {
  const hour = 492322 * 3_600_000;
  const rows = await ledger.aggregate({
    fromMs: hour,
    toMs: hour + 41 * 15_000,
    groupBy: ['model'],
    filters: {},
  });
  expect(
    rows
      .map((r) => [
        r.key.model,
        r.costNano,
        r.requests,
        r.errors,
        r.inputTokens,
        r.outputTokens,
        r.unpricedRequests,
        r.unpricedTokens,
      ])
      .sort(),
  ).toEqual([
    ['acme/brand-new', 0n, 1, 0, 300, 30, 1, 330],
    ['acme/late', 1500n, 1, 0, 10, 1, 0, 0],
    ['openai/gpt-4o', 4_250_000n, 2, 1, 1400, 180, 0, 0],
  ]);
}

export async function expectIdentitiesKept(ledger: CostLedger): Promise<void> {
  expect(await ledger.read(storedIds())).toEqual(PREVIOUS_IDS);
  expect(await ledger.read(queuedCalls())).toEqual(['openai/gpt-4o']);
  // Still unpriced: the call without a re-pricing, not the one whose `rep-` adjustment is stored.
  const unpriced = await ledger.read(unpricedCalls(ledger.dialect, -1, '', 10));
  expect(unpriced.map((e) => [e.traceId, e.spanId])).toEqual([['t2', 's3']]);
  const again = PREVIOUS_IDS.map(([traceId, spanId]) => ({ ...event({}), traceId, spanId }));
  expect(await ledger.insertEvents(again)).toEqual({ inserted: 0, duplicates: PREVIOUS_IDS.length });
  expect(await ledger.insertEvents([{ ...event({}), traceId: 't1', spanId: 's4' }])).toEqual({
    inserted: 1,
    duplicates: 0,
  });
}
