// Migration 15's fill of the hour tree (ledger/hour-tree.ts) from the events, frozen like every migration: the same
// statement in both dialects, also run by the benchmarks' preload after a bulk load. Each 15-second step's sums go
// into the tree's nodes above the step: at level j (a node of 2^j steps), step s is in node (s/2^j + 1)·2^j when
// s/2^j (rounded down) is even.
export const HOUR_TREE_FILL = `WITH RECURSIVE
    levels (j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM levels WHERE j < 7),
    steps AS (
      SELECT event_time / 3600000 AS hour, (event_time % 3600000) / 15000 AS step,
        team, project, feature, environment, model, served_provider, cost_center, experiment, variant,
        SUM(cost_nano) AS cost_nano, SUM(upstream_nano) AS upstream_nano, SUM(1 - is_adjustment) AS requests,
        SUM(is_error) AS errors, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
        SUM(unpriced_requests) AS unpriced_requests, SUM(unpriced_tokens) AS unpriced_tokens
      FROM cost_events
      GROUP BY 1, 2, team, project, feature, environment, model, served_provider, cost_center, experiment, variant)
  INSERT INTO cost_rollup_hour_tree (hour, node, team, project, feature, environment, model, served_provider,
      cost_center, experiment, variant, cost_nano, upstream_nano, requests, errors, input_tokens, output_tokens,
      unpriced_requests, unpriced_tokens)
    SELECT s.hour, ((s.step >> levels.j) + 1) << levels.j, s.team, s.project, s.feature, s.environment, s.model,
      s.served_provider, s.cost_center, s.experiment, s.variant, SUM(s.cost_nano), SUM(s.upstream_nano),
      SUM(s.requests), SUM(s.errors), SUM(s.input_tokens), SUM(s.output_tokens), SUM(s.unpriced_requests),
      SUM(s.unpriced_tokens)
    FROM steps s JOIN levels ON (s.step >> levels.j) % 2 = 0 AND ((s.step >> levels.j) + 1) << levels.j <= 240
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11`;
