// The processor as the price authority, through the real Kafka: spans a stale service could not price end up in
// the report, the budget's spend and its admission decisions at the processor's price; a model nobody prices is
// recorded unpriced and counted.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLED_PRICES } from '@genops/pricing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startProcessor, type RunningProcessor } from '../../src/serve.js';
import { createTopic, produce } from '../support/kafka.js';
import { otlpMessage, otlpSpan } from '../support/otlp.js';
import { until } from '@genops/fakes';

const { endpoints } = inject('stack');
const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
const topic = `ingest-pricing-${run}`;
const team = `stale-${run}`;
let processor: RunningProcessor;
let baseUrl: string;
let pricesFile: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'genops-ingest-pricing-'));
  // A model the services' bundled table does not know; the processor's price file does.
  pricesFile = join(dir, 'prices.json');
  writeFileSync(
    pricesFile,
    JSON.stringify({
      version: 'fresh',
      models: { 'acme/fresh-model': [{ effectiveFrom: '2025-01-01', input: 0.15, output: 0.6 }] },
    }),
  );
  await createTopic(endpoints.kafkaBrokers, topic, 2);
  processor = await startProcessor(
    loadConfig({
      GENOPS_PRICE_SYNC_SOURCE: 'off', // no fetch from the internet in a test
      GENOPS_KAFKA_BROKERS: endpoints.kafkaBrokers,
      GENOPS_KAFKA_TOPIC: topic,
      GENOPS_KAFKA_DLQ_TOPIC: `${topic}.dlq`,
      GENOPS_KAFKA_GROUP: `group-${run}`,
      GENOPS_LEDGER_URL: `sqlite:${join(dir, 'ledger.db')}`,
      GENOPS_HTTP_PORT: '0',
      GENOPS_PRICES_FILE: pricesFile,
      GENOPS_PRICES_WATCH_MS: '200',
    }),
  );
  baseUrl = `http://127.0.0.1:${processor.port}`;
});

afterAll(async () => processor?.stop());

const api = async <T>(path: string, init?: RequestInit) =>
  (await (
    await fetch(`${baseUrl}${path}`, { ...init, headers: { 'content-type': 'application/json' } })
  ).json()) as T;

describe('genops serve as the price authority (real Kafka)', () => {
  it('counts calls a stale service sent at 0 at its own price, in the report, the budget and admission, and prices the rest when a price arrives', async () => {
    await api(`/v1/budgets/${team}`, {
      method: 'PUT',
      body: JSON.stringify({ period: 'daily', limitUsd: 0.001, enforcement: 'hard' }),
    });
    const now = Date.now();
    const stale = (model: string) =>
      otlpSpan({
        team,
        model,
        costUsd: 0,
        costSource: 'unknown',
        inputTokens: 1000,
        outputTokens: 16,
        endMs: now,
      });
    await produce(endpoints.kafkaBrokers, topic, [
      otlpMessage([stale('acme/fresh-model'), stale('acme/fresh-model'), stale('acme/fresh-model')]),
      otlpMessage([
        stale('acme/fresh-model'),
        stale('acme/fresh-model'),
        stale('acme/private-model'),
        stale('acme/private-model'),
      ]),
    ]);
    const from = new Date(now - 3_600_000).toISOString();
    const to = new Date(now + 3_600_000).toISOString();
    type Report = {
      totals: { costUsd: number; requests: number };
      groups: { key: { model: string }; costUsd: number; requests: number }[];
    };
    const report = await until(
      'the seven calls in the report',
      () => api<Report>(`/v1/reports/cost?from=${from}&to=${to}&team=${team}&groupBy=model`),
      (r) => r.totals.requests === 7,
    );
    // 5 × (1,000 × 0.15 + 16 × 0.60) µUSD = 5 × 159,600 nano-USD; the unpriced model at 0.
    expect(report.groups.map((g) => [g.key.model, g.requests, g.costUsd])).toEqual([
      ['acme/fresh-model', 5, 0.000798],
      ['acme/private-model', 2, 0],
    ]);
    const budget = await until(
      'the budget counting them',
      () => api<{ spentUsd: number }>(`/v1/budgets/${team}`),
      (b) => b.spentUsd === 0.000798,
    );
    expect(budget.spentUsd).toBe(0.000798);
    const reserve = (usd: number) =>
      api<{ decision: string; reasonCode?: string }>('/v1/reservations', {
        method: 'POST',
        body: JSON.stringify({ team, model: 'acme/fresh-model', estimatedCostUsd: usd }),
      });
    expect((await reserve(0.0003)).decision).toBe('BLOCKED'); // 798,000 + 300,000 > 1,000,000
    expect((await reserve(0.0002)).decision).not.toBe('BLOCKED'); // 998,000 ≤ 1,000,000
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toContain('genops_processor_unpriced_calls_total{model="acme/private-model"} 2');
    const prices = await api<{ unpriced: { model: string; requests: number; reason: string }[] }>(
      '/v1/prices',
    );
    expect(prices.unpriced).toEqual([
      {
        model: 'acme/private-model',
        requests: 2,
        reason: `no price for acme/private-model in catalog ${BUNDLED_PRICES.version}+fresh`,
      },
    ]);

    // A price for the unpriced model arrives (the price file is edited): the two calls are priced, once.
    writeFileSync(
      pricesFile,
      JSON.stringify({
        version: 'fresher',
        models: {
          'acme/fresh-model': [{ effectiveFrom: '2025-01-01', input: 0.15, output: 0.6 }],
          'acme/private-model': [{ effectiveFrom: '2025-01-01', input: 1, output: 2 }],
        },
      }),
    );
    type Figures = { costUsd: number; requests: number; unpricedRequests: number; unpricedTokens: number };
    const caught = await until(
      'the unpriced calls priced',
      () => api<{ totals: Figures }>(`/v1/reports/cost?from=${from}&to=${to}&team=${team}`),
      (r) => r.totals.unpricedRequests === 0,
    );
    // + 2 × (1,000 × 1 + 16 × 2) µUSD = 2,064 µUSD
    expect(caught.totals).toMatchObject({
      costUsd: 0.002862,
      requests: 7,
      unpricedRequests: 0,
      unpricedTokens: 0,
    });
    expect((await api<{ spentUsd: number }>(`/v1/budgets/${team}`)).spentUsd).toBe(0.002862);
    expect(await (await fetch(`${baseUrl}/metrics`)).text()).toContain(
      'genops_processor_repriced_calls_total{model="acme/private-model"} 2',
    );
  });
});
