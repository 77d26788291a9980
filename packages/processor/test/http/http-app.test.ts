import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BudgetService } from '../../src/budget/budget-service.js';
import { createApp } from '../../src/http/app.js';
import { loadConfig } from '../../src/config.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { ProcessorMetrics } from '../../src/metrics.js';
import type { CostLedger } from '../../src/ledger/cost-ledger.js';
import { event } from '../support/ledger-contract.js';

const T0 = Date.parse('2026-03-01T10:30:00Z');
let ledger: CostLedger;
const kafkaDown = async () => {
  throw new Error('connection refused');
};

beforeAll(async () => {
  ledger = await openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-http-')), 'l.db')}`);
  await ledger.insertEvents([
    event({
      team: 'search',
      model: 'deepseek/deepseek-chat',
      costUsd: 0.000021,
      endMs: T0,
      servedProvider: 'DeepInfra',
      durationMs: 100,
    }),
    event({
      team: 'search',
      model: 'deepseek/deepseek-chat',
      costUsd: 0.000021,
      endMs: T0 + 1,
      servedProvider: 'DeepInfra',
      durationMs: 300,
    }),
    event({
      team: 'ads, "east"',
      model: 'qwen/qwen-max',
      costUsd: 0.5,
      endMs: T0 + 2,
      servedProvider: 'Alibaba',
      durationMs: 900,
      error: true,
      fallback: true,
    }),
  ]);
});

const app = (tokens: string[] = []) =>
  createApp({
    ledger,
    budgets: new BudgetService(ledger),
    metrics: new ProcessorMetrics(),
    apiTokens: tokens,
    kafkaReady: kafkaDown,
    now: () => T0 + 3_600_000,
  });

describe('HTTP API', () => {
  describe('GET /v1/reports/cost', () => {
    it('answers in the documented shape', async () => {
      const res = await app().request(
        '/v1/reports/cost?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z&groupBy=team,model',
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        from: '2026-03-01T00:00:00.000Z',
        to: '2026-03-02T00:00:00.000Z',
        groupBy: ['team', 'model'],
        timezone: 'UTC',
        currency: 'USD',
        totals: {
          costUsd: 0.500042,
          upstreamCostUsd: 0,
          requests: 3,
          errors: 1,
          inputTokens: 90,
          outputTokens: 30,
          totalTokens: 120,
          unpricedRequests: 0,
          unpricedTokens: 0,
        },
        groups: [
          {
            key: { team: 'ads, "east"', model: 'qwen/qwen-max' },
            costUsd: 0.5,
            upstreamCostUsd: 0,
            requests: 1,
            errors: 1,
            inputTokens: 30,
            outputTokens: 10,
            totalTokens: 40,
            unpricedRequests: 0,
            unpricedTokens: 0,
            costPerMillionTokens: 12500,
          },
          {
            key: { team: 'search', model: 'deepseek/deepseek-chat' },
            costUsd: 0.000042,
            upstreamCostUsd: 0,
            requests: 2,
            errors: 0,
            inputTokens: 60,
            outputTokens: 20,
            totalTokens: 80,
            unpricedRequests: 0,
            unpricedTokens: 0,
            costPerMillionTokens: 0.525,
          },
        ],
      });
    });

    it('filters by team', async () => {
      const res = await app().request(
        '/v1/reports/cost?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z&team=search',
      );
      expect(((await res.json()) as { totals: { requests: number } }).totals.requests).toBe(2);
    });

    it('answers CSV with quoted cells', async () => {
      const res = await app().request(
        '/v1/reports/cost?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z&groupBy=team&format=csv',
      );
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(await res.text()).toBe(
        'team,costUsd,upstreamCostUsd,requests,errors,inputTokens,outputTokens,totalTokens,costPerMillionTokens\n' +
          '"ads, ""east""",0.5,0,1,1,30,10,40,12500\n' +
          'search,0.000042,0,2,0,60,20,80,0.525\n',
      );
    });

    const bad: [string, string][] = [
      [
        'from=yesterday',
        'from: must be an RFC 3339 time with an offset (2026-03-01T09:30:00Z, 2026-03-01T09:30:00+01:00) or a date (2026-03-01, read as UTC), got "yesterday"',
      ],
      [
        'groupBy=team,planet',
        'groupBy: unknown dimension "planet"; one of team, project, customer, feature, environment, model, provider, costCenter, experiment, variant, day, week, month',
      ],
      ['from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', 'from: must be before to'],
      ['format=xml', 'format: must be json or csv'],
      ['colour=blue', 'colour: unknown query parameter'],
    ];
    for (const [query, message] of bad) {
      it(`answers 400 naming the parameter for ${query}`, async () => {
        const res = await app().request(`/v1/reports/cost?${query}`);
        expect(res.status).toBe(400);
        const body = (await res.json()) as {
          error: { code: string; message: string; details: { field: string } };
        };
        expect(body.error.code).toBe('INVALID_ARGUMENT');
        expect(body.error.message).toBe(message);
      });
    }
  });

  describe('GET /v1/reports/providers', () => {
    it('compares served providers: requests, error rate, fallbacks, latency percentiles, cost per 1M tokens', async () => {
      const res = await app().request(
        '/v1/reports/providers?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z',
      );
      const body = (await res.json()) as { providers: unknown[] };
      expect(body.providers).toEqual([
        {
          provider: 'DeepInfra',
          model: 'deepseek/deepseek-chat',
          requests: 2,
          errors: 0,
          errorRate: 0,
          fallbacks: 0,
          latencyMs: { p50: 100, p95: 300, p99: 300 },
          costUsd: 0.000042,
          costPerMillionTokens: 0.525,
        },
        {
          provider: 'Alibaba',
          model: 'qwen/qwen-max',
          requests: 1,
          errors: 1,
          errorRate: 1,
          fallbacks: 1,
          latencyMs: { p50: 900, p95: 900, p99: 900 },
          costUsd: 0.5,
          costPerMillionTokens: 12500,
        },
      ]);
    });
  });

  describe('auth', () => {
    it('requires a bearer token when tokens are configured', async () => {
      const res = await app(['s3cret']).request('/v1/reports/cost');
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
      const ok = await app(['s3cret']).request('/v1/reports/cost', {
        headers: { authorization: 'Bearer s3cret' },
      });
      expect(ok.status).toBe(200);
    });

    it('keeps health and metrics open for probes and scrapers', async () => {
      expect((await app(['s3cret']).request('/healthz')).status).toBe(200);
      expect((await app(['s3cret']).request('/metrics')).status).toBe(200);
    });
  });

  describe('probes', () => {
    it('reports not ready, naming Kafka, when the broker is unreachable', async () => {
      const res = await app().request('/readyz');
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        status: 'not ready',
        checks: { ledger: 'ok', kafka: 'unreachable: connection refused' },
      });
    });

    it('reports not ready, naming the consumer, when it crashed or lags', async () => {
      const ready = (consumer: string, kafka = async () => {}) =>
        createApp({
          ledger,
          budgets: new BudgetService(ledger),
          metrics: new ProcessorMetrics(),
          apiTokens: [],
          kafkaReady: kafka,
          consumerReady: () => consumer,
        }).request('/readyz');
      const healthy = await ready('ok');
      expect(healthy.status).toBe(200);
      expect(await healthy.json()).toEqual({
        status: 'ready',
        checks: { ledger: 'ok', kafka: 'ok', consumer: 'ok' },
      });
      const crashed = await ready('crashed: The group coordinator is not available');
      expect(crashed.status).toBe(503);
      expect(await crashed.json()).toEqual({
        status: 'not ready',
        checks: { ledger: 'ok', kafka: 'ok', consumer: 'crashed: The group coordinator is not available' },
      });
    });

    it('answers an unexpected error with a 500 carrying a request id, and logs it with the same id', async () => {
      const logged: { requestId: string; path: string; err: unknown }[] = [];
      const broken = createApp({
        ledger: {
          ...ledger,
          aggregate: async () => Promise.reject(new TypeError('disk I/O error')),
        } as typeof ledger,
        budgets: new BudgetService(ledger),
        metrics: new ProcessorMetrics(),
        apiTokens: [],
        kafkaReady: async () => {},
        logError: (fields) => logged.push(fields),
      });
      const res = await broken.request('/v1/reports/cost');
      expect(res.status).toBe(500);
      const body = (await res.json()) as {
        error: { code: string; message: string; details: { requestId: string } };
      };
      const id = body.error.details.requestId;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get('x-request-id')).toBe(id);
      expect(body.error).toEqual({
        code: 'INTERNAL',
        message: `internal error (request id ${id})`,
        details: { requestId: id },
      });
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ requestId: id, path: '/v1/reports/cost' });
      expect((logged[0]!.err as Error).message).toBe('disk I/O error');
    });

    it('answers 503 LEDGER_UNAVAILABLE, to retry, while the database restarts', async () => {
      const restarting = Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
      });
      const res = await createApp({
        ledger: { ...ledger, aggregate: async () => Promise.reject(restarting) } as typeof ledger,
        budgets: new BudgetService(ledger),
        metrics: new ProcessorMetrics(),
        apiTokens: [],
        kafkaReady: async () => {},
      }).request('/v1/reports/cost');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toEqual({
        error: {
          code: 'LEDGER_UNAVAILABLE',
          message: 'the ledger cannot be reached: terminating connection due to administrator command',
        },
      });
    });

    it('serves an OpenAPI document', async () => {
      const doc = (await (await app().request('/openapi.json')).json()) as {
        openapi: string;
        paths: Record<string, unknown>;
      };
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual([
        '/healthz',
        '/readyz',
        '/metrics',
        '/openapi.json',
        '/v1/session',
        '/v1/prices',
        '/v1/reports/cost',
        '/v1/reports/providers',
        '/v1/budgets',
        '/v1/budgets/{team}',
        '/v1/budgets/{team}/alerts',
        '/v1/budget-scopes/{key}',
        '/v1/budget-scopes/{key}/counters',
        '/v1/budget-scopes/{key}/alerts',
        '/v1/reservations',
        '/v1/reservations/{id}',
        '/v1/reservations/{id}/extend',
        '/v1/decisions',
        '/v1/reconciliation',
        '/v1/reconciliation/run',
      ]);
    });
  });
});

describe('loadConfig', () => {
  it('refuses a non-loopback host without API tokens, naming the variables', () => {
    expect(() => loadConfig({ GENOPS_HTTP_HOST: '0.0.0.0' })).toThrow(
      'GENOPS_HTTP_HOST=0.0.0.0 is not loopback: set GENOPS_API_TOKENS',
    );
    const tokens = loadConfig({
      GENOPS_HTTP_HOST: '0.0.0.0',
      GENOPS_API_TOKENS: 'a, b:read+reserve@growth',
    }).apiTokens;
    expect(tokens.map((t) => [t.secret, [...t.roles], t.teams && [...t.teams]])).toEqual([
      ['a', ['read', 'manage', 'reserve', 'metrics'], undefined],
      ['b', ['read', 'reserve'], ['growth']],
    ]);
    expect(() => loadConfig({ GENOPS_API_TOKENS: 'x:admin' })).toThrow(
      'GENOPS_API_TOKENS entry 1: unknown role "admin"; one of read, manage, reserve, metrics',
    );
    expect(() => loadConfig({ GENOPS_API_TOKENS: 'x:read', GENOPS_METRICS_AUTH: 'token' })).toThrow(
      'GENOPS_METRICS_AUTH=token: no API token has the metrics role',
    );
  });

  it('names a bad variable', () => {
    expect(() => loadConfig({ GENOPS_HTTP_PORT: 'eighty' })).toThrow(/^GENOPS_HTTP_PORT: /);
  });

  it('applies DESIGN.md defaults', () => {
    expect(loadConfig({})).toEqual({
      kafkaBrokers: ['127.0.0.1:9092'],
      topic: 'genops.cost-spans',
      groupId: 'genops-processor',
      dlqTopic: 'genops.cost-spans.dlq',
      sessionTimeoutMs: 30_000,
      ledgerUrl: 'sqlite:./genops.db',
      httpHost: '127.0.0.1',
      httpPort: 8080,
      apiTokens: [],
      metricsAuth: 'open',
      alertsTopic: 'genops.budget-alerts',
      reservationSweepMs: 1000,
      readyMaxLag: 100_000,
      decodeThread: true,
      ingestThreads: true,
      budgetLeases: true,
      alertRetryMs: 2000,
      decisionLogSize: 2000,
      pricesWatchMs: 5000,
      // Current by default: OpenRouter's public listing synced daily into a price history beside the ledger.
      pricesFile: 'genops-prices.json',
      priceSync: { source: 'openrouter', intervalMs: 86_400_000 },
    });
  });

  it('decodes on the consumer’s thread with GENOPS_DECODE_THREAD=off, and names a value it does not know', () => {
    expect(loadConfig({ GENOPS_DECODE_THREAD: 'off' }).decodeThread).toBe(false);
    expect(() => loadConfig({ GENOPS_DECODE_THREAD: 'yes' })).toThrow(/^GENOPS_DECODE_THREAD: /);
  });

  it('ingests SQLite batches on the consumer’s thread with GENOPS_INGEST_THREADS=off, and names a value it does not know', () => {
    expect(loadConfig({ GENOPS_INGEST_THREADS: 'off' }).ingestThreads).toBe(false);
    expect(() => loadConfig({ GENOPS_INGEST_THREADS: 'sometimes' })).toThrow(/^GENOPS_INGEST_THREADS: /);
  });

  it('admits against budgets’ rows alone with GENOPS_BUDGET_LEASES=off, and names a value it does not know', () => {
    expect(loadConfig({ GENOPS_BUDGET_LEASES: 'off' }).budgetLeases).toBe(false);
    expect(() => loadConfig({ GENOPS_BUDGET_LEASES: 'no' })).toThrow(/^GENOPS_BUDGET_LEASES: /);
  });

  it('turns the price sync off with one variable, and names a source it does not know', () => {
    expect(loadConfig({ GENOPS_PRICE_SYNC_SOURCE: 'off' }).priceSync).toBeUndefined();
    expect(loadConfig({ GENOPS_PRICE_SYNC_SOURCE: 'genai-prices' }).priceSync).toEqual({
      source: 'genai-prices',
      intervalMs: 86_400_000,
    });
    expect(() => loadConfig({ GENOPS_PRICE_SYNC_SOURCE: 'helicone' })).toThrow(/^GENOPS_PRICE_SYNC_SOURCE: /);
  });

  it('turns reconciliation on with an OpenRouter key, with defaults, and names a bad setting', () => {
    expect(loadConfig({ GENOPS_OPENROUTER_API_KEY: 'sk-or-v1-x' }).reconcile).toEqual({
      apiKey: 'sk-or-v1-x',
      url: 'https://openrouter.ai/api/v1',
      sampleRate: 0.05,
      ratePerSecond: 5,
      intervalMs: 30_000,
      retryBaseMs: 5_000,
      giveUpAfterMs: 3 * 86_400_000,
    });
    expect(() => loadConfig({ GENOPS_OPENROUTER_API_KEY: 'k', GENOPS_RECONCILE_SAMPLE: '5' })).toThrow(
      /^GENOPS_RECONCILE_SAMPLE: /,
    );
  });
});
