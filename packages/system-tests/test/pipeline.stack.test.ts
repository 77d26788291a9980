// End to end through the real collector: instrumentation → collector → Prometheus, Jaeger, Honeycomb and
// Datadog fakes, and Kafka (cost spans only).
import { trace } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { instrumentOpenAI, semconv, withGenOps } from '@genops/instrumentation';
import { setupGenOps, type GenOpsHandle } from '@genops/setup';
import {
  FAKE_DATADOG_KEY,
  FAKE_HONEYCOMB_KEY,
  FAKE_HONEYCOMB_METRICS_DATASET,
  FAKE_LANGFUSE_PUBLIC_KEY,
  FAKE_LANGFUSE_SECRET_KEY,
} from '@genops/devstack';
import { startFakeOpenRouter, type FakeOpenRouter, type LangfuseRecord } from '@genops/fakes';
import {
  attr,
  consumeSpans,
  datadogRecords,
  honeycombRecords,
  jaegerTrace,
  promQuery,
  waitFor,
} from './support/stack-clients.js';

const { endpoints } = inject('stack');
const run = Date.now().toString(36);
const TEAM_A = `e2e-a-${run}`;
const TEAM_B = `e2e-b-${run}`;
const MESSAGES = [{ role: 'user' as const, content: 'Summarise the quarterly report' }]; // 30 prompt tokens

let genops: GenOpsHandle;
let fake: FakeOpenRouter;
let traceId = '';

beforeAll(async () => {
  genops = setupGenOps({
    serviceName: 'e2e-service',
    endpoint: endpoints.otlpGrpc,
    metricExportIntervalMillis: 1000,
  });
  fake = await startFakeOpenRouter({
    providers: { 'deepseek/deepseek-chat': ['DeepInfra'], 'qwen/qwen-2.5-72b-instruct': ['Together'] },
  });
  const client = instrumentOpenAI(new OpenAI({ baseURL: fake.baseURL, apiKey: 'k', maxRetries: 0 }), {
    provider: 'openrouter',
    defaults: { environment: 'e2e' },
  });
  // A root span without cost: it must reach Jaeger but never Kafka.
  await trace.getTracer('e2e').startActiveSpan('e2e-root', async (root) => {
    traceId = root.spanContext().traceId;
    await withGenOps({ team: TEAM_A, project: 'p1', customerId: 'cust-1' }, async () => {
      for (let i = 0; i < 3; i++) {
        await client.chat.completions.create({
          model: 'deepseek/deepseek-chat',
          messages: MESSAGES,
          max_tokens: 10,
        });
      }
      await client.chat.completions.create({ model: 'fail/429', messages: MESSAGES }).catch(() => undefined);
    });
    await withGenOps({ team: TEAM_B }, async () => {
      for (let i = 0; i < 2; i++) {
        const stream = await client.chat.completions.create({
          model: 'qwen/qwen-2.5-72b-instruct',
          messages: MESSAGES,
          max_tokens: 4,
          stream: true,
        });
        for await (const _chunk of stream) void _chunk;
      }
    });
    // An LLM span of another instrumentation (OTel GenAI semconv, no GenOps cost): it reaches Kafka for the
    // processor to price.
    const foreign = trace.getTracer('openllmetry-like').startSpan('chat gpt-4o', {
      attributes: {
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 20,
      },
    });
    foreign.end();
    root.end();
  });
  // Stream spans end on a microtask after the last chunk: let the microtask queue drain before flushing.
  await new Promise((r) => setImmediate(r));
  await genops.forceFlush();
});

afterAll(async () => {
  await genops?.shutdown();
  await fake?.close();
});

const PROM_ALLOWED = new Set([
  ...semconv.METRIC_ATTRIBUTE_KEYS.map((k) => k.replace(/\./g, '_')),
  '__name__',
  'job',
  'instance',
  'le',
  'otel_scope_name',
  'otel_scope_version',
  'otel_scope_schema_url',
]);

describe('the collector pipeline', () => {
  describe('Prometheus', () => {
    it('answers PromQL for every metric of the DESIGN.md table, with exact values and bounded labels', async () => {
      const requests = await waitFor('genops_requests_total', async () => {
        const r = await promQuery(endpoints.prometheusUrl, `genops_requests_total{genops_team="${TEAM_A}"}`);
        return r.length === 2 ? r : undefined;
      });
      const byStatus = Object.fromEntries(requests.map((s) => [s.metric.genops_status, Number(s.value[1])]));
      expect(byStatus).toEqual({ ok: 3, error: 1 });
      const ok = requests.find((s) => s.metric.genops_status === 'ok')!.metric;
      expect(ok).toMatchObject({
        genops_team: TEAM_A,
        genops_project: 'p1',
        genops_environment: 'e2e',
        genops_model: 'deepseek/deepseek-chat',
        genops_provider: 'openrouter',
        genops_openrouter_actual_provider: 'DeepInfra',
      });

      const cost = await promQuery(
        endpoints.prometheusUrl,
        `sum by (genops_team) (genops_cost_total{genops_team=~"${TEAM_A}|${TEAM_B}"})`,
      );
      const costByTeam = Object.fromEntries(cost.map((s) => [s.metric.genops_team, Number(s.value[1])]));
      expect(costByTeam[TEAM_A]).toBeCloseTo(3 * 0.000021, 12);
      expect(costByTeam[TEAM_B]).toBeCloseTo(2 * 0.0000138, 12);

      const tokens = await promQuery(
        endpoints.prometheusUrl,
        `sum by (genops_token_type) (genops_tokens_total{genops_team="${TEAM_B}"})`,
      );
      expect(Object.fromEntries(tokens.map((s) => [s.metric.genops_token_type, Number(s.value[1])]))).toEqual(
        {
          input: 60,
          output: 8,
        },
      );

      const histogramCounts: Record<string, string> = {
        genops_request_duration_seconds_count: `genops_team="${TEAM_A}"`,
        gen_ai_client_operation_duration_seconds_count: `genops_team="${TEAM_A}"`,
        gen_ai_client_token_usage_count: `genops_team="${TEAM_A}",gen_ai_token_type="input"`,
      };
      for (const [name, selector] of Object.entries(histogramCounts)) {
        const r = await waitFor(name, async () => {
          const s = await promQuery(endpoints.prometheusUrl, `sum(${name}{${selector}})`);
          return s.length ? s : undefined;
        });
        expect(Number(r[0]!.value[1]), name).toBe(name.startsWith('gen_ai_client_token') ? 3 : 4);
      }
      const buckets = await promQuery(
        endpoints.prometheusUrl,
        `gen_ai_client_token_usage_bucket{genops_team="${TEAM_A}",gen_ai_token_type="input"}`,
      );
      const le = (v: string | undefined) => (v === '+Inf' ? Infinity : Number(v));
      expect(buckets.map((b) => le(b.metric.le)).sort((a, b) => a - b)).toEqual([
        ...semconv.TOKEN_USAGE_BUCKETS,
        Infinity,
      ]);

      for (const name of [
        'genops_requests_total',
        'genops_request_duration_seconds_bucket',
        'genops_tokens_total',
        'genops_cost_total',
        'gen_ai_client_token_usage_bucket',
        'gen_ai_client_operation_duration_seconds_bucket',
      ]) {
        const series = await promQuery(
          endpoints.prometheusUrl,
          `${name}{genops_team=~"${TEAM_A}|${TEAM_B}"}`,
        );
        expect(series.length, name).toBeGreaterThan(0);
        for (const s of series) {
          for (const label of Object.keys(s.metric))
            expect(PROM_ALLOWED.has(label), `${name} label ${label}`).toBe(true);
          expect(s.metric.genops_customer_id).toBeUndefined();
        }
      }
    });
  });

  describe('Jaeger', () => {
    it('returns the trace with its genops.* attributes', async () => {
      const spans = await waitFor('the trace in Jaeger', async () => {
        const s = await jaegerTrace(endpoints.jaegerUrl, traceId);
        return s.length === 8 ? s : undefined;
      });
      const names = spans.map((s) => s.operationName).sort();
      expect(names).toEqual([
        'chat deepseek/deepseek-chat',
        'chat deepseek/deepseek-chat',
        'chat deepseek/deepseek-chat',
        'chat fail/429',
        'chat gpt-4o',
        'chat qwen/qwen-2.5-72b-instruct',
        'chat qwen/qwen-2.5-72b-instruct',
        'e2e-root',
      ]);
      const deepseek = spans.find((s) => s.operationName === 'chat deepseek/deepseek-chat')!;
      const tags = Object.fromEntries(deepseek.tags.map((t) => [t.key, t.value]));
      expect(tags).toMatchObject({
        'genops.team': TEAM_A,
        'genops.customer_id': 'cust-1',
        'genops.openrouter.actual_provider': 'DeepInfra',
        'genops.cost.total': 0.000021,
        'genops.cost.source': 'reported',
        'genops.cost.currency': 'USD',
        'genops.tokens.input': 30,
        'genops.tokens.output': 10,
      });
    });
  });

  describe('Langfuse (fake intake, overlays/langfuse.yaml)', () => {
    it('received the trace over OTLP/HTTP with the project keys as basic auth', async () => {
      const traceIdBase64 = Buffer.from(traceId, 'hex').toString('base64');
      const found = await waitFor('the trace at Langfuse', async () => {
        const records = (await (
          await fetch(`${endpoints.fakeIntakeUrl}/langfuse`)
        ).json()) as LangfuseRecord[];
        const spans = records
          .filter((r) => r.signal === 'traces')
          .flatMap(
            (r) =>
              (r.body.resourceSpans ?? []) as {
                scopeSpans: { spans: { traceId: string; name: string }[] }[];
              }[],
          )
          .flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))
          .filter((sp) => sp.traceId === traceIdBase64);
        return spans.length === 8 ? { records, spans } : undefined;
      });
      const basic = `Basic ${Buffer.from(`${FAKE_LANGFUSE_PUBLIC_KEY}:${FAKE_LANGFUSE_SECRET_KEY}`).toString('base64')}`;
      expect(found.records.every((r) => r.headers.authorization === basic)).toBe(true);
      expect(found.spans.map((sp) => sp.name)).toContain('chat gpt-4o');
    });
  });

  describe('Honeycomb (fake intake)', () => {
    it('received spans and metrics with the team key, and the dataset header on metrics', async () => {
      const traceIdBase64 = Buffer.from(traceId, 'hex').toString('base64');
      const records = await waitFor('Honeycomb exports', async () => {
        const r = await honeycombRecords(endpoints.fakeIntakeUrl);
        const ours = r.filter((x) => x.signal === 'traces' && JSON.stringify(x.body).includes(traceIdBase64));
        const metrics = r.filter((x) => x.signal === 'metrics' && JSON.stringify(x.body).includes(TEAM_A));
        return ours.length && metrics.length ? { ours, metrics } : undefined;
      });
      for (const r of records.ours) expect(r.headers['x-honeycomb-team']).toBe(FAKE_HONEYCOMB_KEY);
      for (const r of records.metrics) {
        expect(r.headers['x-honeycomb-team']).toBe(FAKE_HONEYCOMB_KEY);
        expect(r.headers['x-honeycomb-dataset']).toBe(FAKE_HONEYCOMB_METRICS_DATASET);
      }
      const spanCount = records.ours
        .flatMap((r) => r.body.resourceSpans as { scopeSpans: { spans: { traceId: string }[] }[] }[])
        .flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))
        .filter((s) => s.traceId === traceIdBase64).length;
      expect(spanCount).toBe(8); // the six LLM calls, the foreign LLM span and e2e-root
    });
  });

  describe('Datadog (fake intake)', () => {
    it('received genops.* series and the traces', async () => {
      const found = await waitFor('Datadog series and traces', async () => {
        const r = await datadogRecords(endpoints.fakeIntakeUrl);
        const series = r.filter(
          (x) => x.path.startsWith('/api/v2/series') || x.path.startsWith('/api/v1/series'),
        );
        const names = new Set<string>();
        for (const s of series) {
          const json = s.json as { series?: { metric: string }[] } | undefined;
          for (const item of json?.series ?? []) names.add(item.metric);
          for (const m of (s.text ?? '').match(/genops\.[a-z_.]+/g) ?? []) names.add(m);
        }
        const traces = r.filter(
          (x) => x.path.includes('/traces') && (x.text ?? JSON.stringify(x.json)).includes(TEAM_A),
        );
        return names.has('genops.requests') && traces.length ? { names, traces, series } : undefined;
      });
      expect([...found.names].filter((n) => n.startsWith('genops.')).sort()).toEqual(
        expect.arrayContaining(['genops.cost', 'genops.requests', 'genops.tokens']),
      );
      expect(found.series[0]!.headers['dd-api-key']).toBe(FAKE_DATADOG_KEY);
      expect(found.traces[0]!.headers['dd-api-key']).toBe(FAKE_DATADOG_KEY);
    });
    // The Datadog exporter drops the first point of a cumulative histogram series; cumulativetodelta/datadog keeps
    // it when the series started after the collector. One export is all a series gets when its calls fit in one
    // SDK interval.
    it('received a cumulative histogram and counter exported once, with their count and sum', async () => {
      const name = `genops.test.one_export_${Date.now()}`;
      const nowNs = BigInt(Date.now()) * 1_000_000n;
      const point = { startTimeUnixNano: String(nowNs - 2_000_000_000n), timeUnixNano: String(nowNs) };
      const body = {
        resourceMetrics: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'one-export' } }] },
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: `${name}.duration`,
                    histogram: {
                      aggregationTemporality: 2,
                      dataPoints: [
                        {
                          ...point,
                          count: '3',
                          sum: 4.5,
                          explicitBounds: [1, 2],
                          bucketCounts: ['1', '1', '1'],
                        },
                      ],
                    },
                  },
                  {
                    name: `${name}.calls`,
                    sum: {
                      aggregationTemporality: 2,
                      isMonotonic: true,
                      dataPoints: [{ ...point, asInt: '7' }],
                    },
                  },
                ],
              },
            ],
          },
        ],
      };
      const res = await fetch(`${endpoints.otlpHttp}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      const received = await waitFor('both metrics at the Datadog intake', async () => {
        const metrics = (await datadogRecords(endpoints.fakeIntakeUrl))
          .flatMap((r) => r.metrics ?? [])
          .filter((m) => m.name.startsWith(name));
        return metrics.length >= 2 ? metrics : undefined;
      });
      expect(
        received
          .map((m) => [m.name, m.kind, m.count, m.sum])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      ).toEqual([
        [`${name}.calls`, 'count', 0, 7],
        [`${name}.duration`, 'distribution', 3, 4.5],
      ]);
    });
  });

  describe('Kafka topic genops.cost-spans', () => {
    it('holds OTLP protobuf with exactly the cost spans and no non-cost span', async () => {
      const encodings = { protobuf: 0, json: 0 };
      const spans = await consumeSpans(
        endpoints.kafkaBrokers,
        'genops.cost-spans',
        (all) => all.filter((s) => s.traceId === traceId).length >= 7,
        90_000,
        encodings,
      );
      // The shipped config's `encoding: otlp_proto`, as the collector writes it.
      expect(encodings.json).toBe(0);
      expect(encodings.protobuf).toBeGreaterThan(0);
      const ours = spans.filter((s) => s.traceId === traceId);
      expect(ours.map((s) => s.name).sort()).toEqual([
        'chat deepseek/deepseek-chat',
        'chat deepseek/deepseek-chat',
        'chat deepseek/deepseek-chat',
        'chat fail/429',
        'chat gpt-4o',
        'chat qwen/qwen-2.5-72b-instruct',
        'chat qwen/qwen-2.5-72b-instruct',
      ]);
      expect(new Set(ours.map((s) => s.spanId)).size).toBe(7);
      // Only LLM calls, in the whole topic (other tests send theirs too): GenOps' cost spans and other
      // instrumentations' calls with their usage — the collector's filter/cost-spans keys; never e2e-root.
      const costKeys = [
        'genops.cost.total',
        'gen_ai.usage.input_tokens',
        'gen_ai.usage.output_tokens',
        'gen_ai.usage.prompt_tokens',
        'gen_ai.usage.completion_tokens',
        'ai.usage.inputTokens',
        'ai.usage.promptTokens',
        'llm.token_count.prompt',
        'llm.token_count.completion',
      ];
      expect(spans.filter((s) => costKeys.every((k) => attr(s, k) === undefined))).toEqual([]);
      // A whole-number cost (the failed call's 0) travels as an int64 (a string in the OTLP JSON shape), others as doubles.
      const costs = ours
        .filter((s) => attr(s, 'genops.cost.total') !== undefined)
        .map((s) => Number(attr(s, 'genops.cost.total')))
        .sort();
      expect(costs).toEqual([0, 0.0000138, 0.0000138, 0.000021, 0.000021, 0.000021]);
    });
  });
});
