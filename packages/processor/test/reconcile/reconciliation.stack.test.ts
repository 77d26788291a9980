// `genops serve` with reconciliation on, against the real Kafka and a fake OpenRouter whose generation stats come
// late: cost spans carrying generation ids are queued as they are consumed, looked up once available, and the
// report converges to the billed total; /metrics shows the drift.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOpenRouter, type FakeOpenRouter } from '@genops/fakes';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startProcessor, type RunningProcessor } from '../../src/serve.js';
import { createTopic, produce } from '../support/kafka.js';
import { otlpMessage, otlpSpan } from '../support/otlp.js';
import { until } from '@genops/fakes';

const { endpoints } = inject('stack');
const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
const topic = `cost-recon-${run}`;
const KEY = 'sk-or-v1-stack';
const MODEL = 'openai/gpt-4o-mini';
const DAY = 86_400_000;
let fake: FakeOpenRouter;
let processor: RunningProcessor;
let baseUrl: string;

beforeAll(async () => {
  fake = await startFakeOpenRouter({
    apiKey: KEY,
    prices: { [MODEL]: { input: 0.15, output: 0.6 } },
    generationDelayMs: 1500, // OpenRouter's stats come a little after the call
  });
  await createTopic(endpoints.kafkaBrokers, topic, 2);
  // The processor prices estimated calls itself: give it a stale price (completion tokens free), so its record of
  // each call (150,000 nano-USD) differs from the bill (159,600) as a catalog behind the provider's would.
  const stalePrices = join(mkdtempSync(join(tmpdir(), 'genops-recon-prices-')), 'prices.json');
  writeFileSync(
    stalePrices,
    JSON.stringify({
      version: 'stale',
      models: { [MODEL]: [{ effectiveFrom: '2024-01-01', input: 0.15, output: 0 }] },
    }),
  );
  processor = await startProcessor(
    loadConfig({
      GENOPS_PRICE_SYNC_SOURCE: 'off', // no fetch from the internet in a test
      GENOPS_KAFKA_BROKERS: endpoints.kafkaBrokers,
      GENOPS_KAFKA_TOPIC: topic,
      GENOPS_KAFKA_DLQ_TOPIC: `${topic}.dlq`,
      GENOPS_KAFKA_GROUP: `group-${run}`,
      GENOPS_LEDGER_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-recon-')), 'ledger.db')}`,
      GENOPS_HTTP_PORT: '0',
      GENOPS_OPENROUTER_API_KEY: KEY,
      GENOPS_OPENROUTER_URL: fake.baseURL,
      GENOPS_RECONCILE_INTERVAL_MS: '200',
      GENOPS_RECONCILE_RETRY_MS: '500',
      GENOPS_RECONCILE_SAMPLE: '0',
      GENOPS_PRICES_FILE: stalePrices,
    }),
  );
  baseUrl = `http://127.0.0.1:${processor.port}`;
});

afterAll(async () => {
  await processor?.stop();
  await fake?.close();
});

async function costUsd(team: string): Promise<number> {
  const from = new Date(Date.now() - DAY).toISOString();
  const to = new Date(Date.now() + DAY).toISOString();
  const res = await fetch(`${baseUrl}/v1/reports/cost?from=${from}&to=${to}&team=${team}`);
  return ((await res.json()) as { totals: { costUsd: number } }).totals.costUsd;
}

describe('genops serve with reconciliation (real Kafka, fake OpenRouter)', () => {
  it('brings estimated costs to the bill once the stats are available, and exports the drift', async () => {
    const team = `recon-${run}`;
    const spans = [];
    const estimatedIds: string[] = [];
    // Ten calls of 1,000 prompt and 16 completion tokens: billed 159,600 nano-USD each. Estimated 150,000 each
    // (a stale price), except two reported by OpenRouter itself (not sampled: left alone).
    for (let i = 0; i < 10; i++) {
      const estimated = i >= 2;
      const response = await fetch(`${fake.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(estimated ? { 'x-fake-no-cost': '1' } : {}) },
        body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'x'.repeat(1000) }] }),
      });
      const { id } = (await response.json()) as { id: string };
      if (estimated) estimatedIds.push(id);
      spans.push(
        otlpSpan({
          team,
          model: MODEL,
          servedProvider: 'FakeProvider',
          costUsd: estimated ? 0.00015 : 0.0001596,
          costSource: estimated ? 'estimated' : 'reported',
          inputTokens: 1000,
          outputTokens: 16,
          generationId: id,
        }),
      );
    }
    await produce(endpoints.kafkaBrokers, topic, [
      otlpMessage(spans.slice(0, 5)),
      otlpMessage(spans.slice(5)),
    ]);

    // Recorded first: 2 × 159,600 + 8 × 150,000 = 1,519,200 nano-USD; then billed: 10 × 159,600.
    await until(
      'the calls recorded',
      () => costUsd(team),
      (usd) => usd >= 0.0015192,
    );
    expect(
      await until(
        'the report at the billed total',
        () => costUsd(team),
        (usd) => usd === 0.001596,
        20_000,
      ),
    ).toBe(0.001596);
    // Looked up: every estimated call, 404 while not available, then once each.
    const found = fake.lookups.filter((l) => l.status === 200).map((l) => l.id);
    expect(found.sort()).toEqual(estimatedIds.sort());
    expect(fake.lookups.some((l) => l.status === 404)).toBe(true);

    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    const value = (series: string) => {
      const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
      if (!line) throw new Error(`no ${series} in /metrics`);
      return Number(line.slice(series.length + 1));
    };
    const labels = `{model="${MODEL}",provider="FakeProvider"}`;
    // Counters add floats: equal to the nano-dollar.
    expect(value(`genops_reconciliation_recorded_usd_total${labels}`)).toBeCloseTo(0.0012, 9);
    expect(value(`genops_reconciliation_billed_usd_total${labels}`)).toBeCloseTo(0.0012768, 9);
    expect(value('genops_reconciliation_calls_total{outcome="adjusted"}')).toBe(8);
  });
});
