// The contract between dashboards/ + alerts/ and what the pipeline really emits. With the demo's traffic flowing
// (instrumentation → collector → Prometheus, Datadog and Honeycomb fakes; processor scraped by Prometheus):
// every Grafana panel query returns data, every rule evaluates and every recording rule has data, every metric
// and tag a Datadog query names was received, every column a Honeycomb query reads arrived on a span.
// Renaming a metric or attribute in the instrumentation breaks this test.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROMETHEUS_VERSION } from '@genops/devstack';
import type { DatadogMetric } from '@genops/fakes';
import { startDemoPipeline, type DemoPipeline } from '@genops/demo';
import { DEMO_PLAN, runTraffic, type TrafficResult } from '@genops/demo';
import {
  datadogQueryStrings,
  datadogTemplatePrefixes,
  grafanaDashboards,
  grafanaPanelQueries,
  honeycombColumns,
  honeycombSpecs,
  parseDatadogQuery,
  substituteVariables,
} from './support/dashboard-definitions.js';
import { datadogRecords, honeycombRecords, promQuery, settle, waitFor } from './support/stack-clients.js';

const { stateDir, endpoints } = inject('stack');
const prom = endpoints.prometheusUrl;

// Variable values: the demo's teams, models and environment as regex alternatives, like Grafana's multi-value.
const TEAMS = [...new Set(DEMO_PLAN.map((p) => p.team))];
const MODELS = [...new Set(DEMO_PLAN.map((p) => p.model))];
const VARIABLES = {
  datasource: 'genops-prometheus',
  team: TEAMS.join('|'),
  model: MODELS.map((m) => m.replace(/[.]/g, '\\\\.')).join('|'),
  environment: 'demo',
};

let pipeline: DemoPipeline;
let traffic: TrafficResult;
let target = '';

beforeAll(async () => {
  pipeline = await startDemoPipeline({
    stateDir,
    endpoints,
    serviceName: 'contract-service',
    logger: pino({ level: 'error' }),
    metricExportIntervalMillis: 1000,
  });
  target = `127.0.0.1:${pipeline.processor.port}`;
  traffic = await runTraffic(pipeline.fake.baseURL, pipeline.api, DEMO_PLAN, () => undefined);
  await pipeline.genops.forceFlush();
  // Data everywhere before the assertions: the processor scraped with its budgets, fallbacks and errors counted.
  await waitFor(
    'the processor scraped by Prometheus with budget metrics',
    async () => {
      const r = await promQuery(prom, `genops_budget_utilization{instance="${target}"}`);
      return r.length === 3 ? r : undefined;
    },
    90_000,
  );
  await waitFor('every demo team in Prometheus', async () => {
    const teams = await promQuery(
      prom,
      `count by (genops_team) (genops_requests_total{genops_team=~"${VARIABLES.team}"})`,
    );
    return teams.length === TEAMS.length ? true : undefined;
  });
  await waitFor('fallbacks and errors in Prometheus', async () => {
    const fallbacks = await promQuery(prom, 'genops_requests_total{genops_openrouter_fallback_used="true"}');
    const errors = await promQuery(
      prom,
      'genops_requests_total{genops_status="error",genops_team="support"}',
    );
    return fallbacks.length && errors.length ? true : undefined;
  });
  await waitFor(
    "the processor's reconciliation of the gateway's estimated calls scraped",
    async () => {
      const r = await promQuery(
        prom,
        `genops_reconciliation_calls_total{instance="${target}",outcome="adjusted"} >= 23`,
      );
      return r.length ? r : undefined;
    },
    90_000,
  );
}, 240_000);

afterAll(async () => {
  await pipeline?.stop();
});

describe('dashboards/ and alerts/ against the live pipeline', () => {
  it('ran the demo traffic with errors, fallbacks and a blocked team', () => {
    expect(traffic.calls).toBe(DEMO_PLAN.reduce((n, p) => n + p.calls, 0));
    expect(traffic.errors).toBe(2);
    expect(traffic.blocked).toBeGreaterThan(0);
  });

  describe('Grafana', () => {
    it('has template variables whose label values include the demo teams and environment', async () => {
      const values = async (label: string) =>
        (
          (await (
            await fetch(`${prom}/api/v1/label/${label}/values?match[]=genops_requests_total`)
          ).json()) as { data: string[] }
        ).data;
      expect(await values('genops_team')).toEqual(expect.arrayContaining(TEAMS));
      expect(await values('genops_model')).toEqual(expect.arrayContaining(MODELS));
      expect(await values('genops_environment')).toContain('demo');
      for (const { dashboard } of grafanaDashboards()) {
        const names = dashboard.templating.list.map((v) => v.name);
        expect(names, dashboard.title).toEqual(['datasource', 'team', 'model', 'environment']);
      }
    });

    it('gets data from the real Prometheus for every panel query', async () => {
      const queries = grafanaPanelQueries();
      expect(queries.length).toBeGreaterThan(40);
      const empty = await settle(async () => {
        const out: string[] = [];
        for (const q of queries) {
          const result = await promQuery(prom, substituteVariables(q.expr, VARIABLES));
          if (!result.length) out.push(`${q.where}: ${q.expr}`);
        }
        return out;
      });
      expect(empty).toEqual([]);
    });
  });

  describe('Prometheus rules', () => {
    interface RuleState {
      name: string;
      type: 'recording' | 'alerting';
      health: string;
      lastError?: string;
    }
    const rules = async () =>
      (
        (await (await fetch(`${prom}/api/v1/rules`)).json()) as {
          data: { groups: { file: string; rules: RuleState[] }[] };
        }
      ).data.groups.flatMap((g) => g.rules);

    it('run in the Prometheus users run today (3.x)', async () => {
      const info = (await (await fetch(`${prom}/api/v1/status/buildinfo`)).json()) as {
        data: { version: string };
      };
      expect(info.data.version).toBe(PROMETHEUS_VERSION);
    });

    it('loads alerts/*.rules.yml and evaluates every rule without error', async () => {
      const unhealthy = await settle(async () =>
        (await rules()).filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError}`),
      );
      expect(unhealthy).toEqual([]);
      expect((await rules()).filter((r) => r.type === 'alerting')).toHaveLength(13);
    });

    it("feeds GenOpsBillingDrift from the processor: gpt-4o-mini's bill 10 % over its estimates", async () => {
      const ratio = await promQuery(
        prom,
        `sum by (model, provider) (genops_reconciliation_billed_usd_total{instance="${target}"})
         / sum by (model, provider) (genops_reconciliation_recorded_usd_total{instance="${target}"})`,
      );
      expect(ratio.map((r) => [r.metric, Number(r.value[1]).toFixed(6)])).toEqual([
        [{ model: 'openai/gpt-4o-mini', provider: 'OpenAI' }, '1.100000'],
      ]);
    });

    it('has data for every recording rule', async () => {
      const recorded = (await rules()).filter((r) => r.type === 'recording').map((r) => r.name);
      expect(recorded).toHaveLength(6);
      const empty = await settle(async () => {
        const missing: string[] = [];
        for (const name of recorded) if (!(await promQuery(prom, name)).length) missing.push(name);
        return missing;
      });
      expect(empty).toEqual([]);
    });

    it('fires the budget alert for the team over its hard budget', async () => {
      const alerts = await waitFor('GenOpsBudgetCritical for growth', async () => {
        const r = await promQuery(prom, `ALERTS{alertname="GenOpsBudgetCritical",instance="${target}"}`);
        return r.length ? r : undefined;
      });
      expect(alerts.map((a) => [a.metric.team, a.metric.severity, a.metric.alertstate])).toEqual([
        ['growth', 'critical', 'firing'],
      ]);
    });
  });

  describe('Datadog', () => {
    it('received every metric and tag a dashboard widget or monitor queries', async () => {
      const prefixes = datadogTemplatePrefixes();
      const wanted = datadogQueryStrings().flatMap((q) =>
        parseDatadogQuery(q.expr, prefixes).map((m) => ({ ...m, where: q.where })),
      );
      expect(wanted.length).toBeGreaterThan(20);
      const problems = await settle(async () => {
        const received: DatadogMetric[] = (await datadogRecords(endpoints.fakeIntakeUrl)).flatMap(
          (r) => r.metrics ?? [],
        );
        const out: string[] = [];
        for (const w of wanted) {
          const series = received.filter((m) => m.name === w.metric);
          if (!series.length) {
            out.push(`${w.where}: metric ${w.metric} never received`);
            continue;
          }
          const tags = new Set(series.flatMap((s) => s.tags));
          const keys = new Set([...tags].map((t) => t.split(':')[0]));
          for (const f of w.filters) {
            const [key, value] = [f.slice(0, f.indexOf(':')), f.slice(f.indexOf(':') + 1)];
            if (value === '*' ? !keys.has(key) : !tags.has(f))
              out.push(`${w.where}: ${w.metric} never tagged ${f}`);
          }
          for (const g of w.groupBy) if (!keys.has(g)) out.push(`${w.where}: ${w.metric} has no tag ${g}`);
        }
        return out;
      });
      expect(problems).toEqual([]);
    });
  });

  describe('Honeycomb', () => {
    // Columns Honeycomb derives from every span rather than from attributes.
    const DERIVED = new Set(['duration_ms', 'name', 'trace.trace_id', 'trace.span_id', 'trace.parent_id']);

    it('received every column a query, board panel or trigger reads, with the values its filters test', async () => {
      const problems = await settle(() => honeycombProblems());
      expect(problems).toEqual([]);
    });

    async function honeycombProblems(): Promise<string[]> {
      const records = await honeycombRecords(endpoints.fakeIntakeUrl);
      type Attr = { key: string; value: Record<string, unknown> };
      type Span = { attributes?: Attr[]; startTimeUnixNano?: string; endTimeUnixNano?: string };
      const spans = records
        .filter((r) => r.signal === 'traces')
        .flatMap((r) =>
          (
            (r.body.resourceSpans ?? []) as {
              resource?: { attributes?: Attr[] };
              scopeSpans?: { spans?: Span[] }[];
            }[]
          ).flatMap((rs) =>
            (rs.scopeSpans ?? []).flatMap((ss) =>
              (ss.spans ?? []).map((s) => [...(rs.resource?.attributes ?? []), ...(s.attributes ?? [])]),
            ),
          ),
        );
      const seen = new Map<string, Set<unknown>>();
      for (const attrs of spans)
        for (const a of attrs) {
          const set = seen.get(a.key) ?? new Set<unknown>();
          set.add(Object.values(a.value)[0]);
          seen.set(a.key, set);
        }
      const problems: string[] = [];
      for (const { where, spec } of honeycombSpecs()) {
        for (const column of honeycombColumns(spec))
          if (!DERIVED.has(column) && !seen.has(column)) problems.push(`${where}: no span carried ${column}`);
        for (const f of spec.filters ?? [])
          if ((f.op === '=' || f.op === '!=') && seen.has(f.column) && !seen.get(f.column)!.has(f.value))
            problems.push(`${where}: ${f.column} never had the value ${JSON.stringify(f.value)}`);
      }
      if (spans.length < 100) problems.push(`only ${spans.length} spans received`);
      return problems;
    }
  });
});
