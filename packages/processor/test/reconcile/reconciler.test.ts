// Reconciliation with OpenRouter's bill, against a fake that serves its generation stats in their real shape:
// estimated costs adjusted to the bill exactly and once, late availability, 429 with Retry-After, a refused key,
// giving up, the rate limit, BYOK, the sample and the drift metrics.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fakeCost,
  startFakeOpenRouter,
  type FakeOpenRouter,
  type FakeOpenRouterOptions,
} from '@genops/fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCostReport, buildProviderReport } from '../../src/report/cost-report.js';
import { decodeCostSpans } from '../../src/decode/decode-cost-spans.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { OpenRouterGenerations } from '../../src/reconcile/openrouter-generations.js';
import { ProcessorMetrics } from '../../src/metrics.js';
import { reconciliationPolicy } from '../../src/reconcile/reconcile-policy.js';
import { Reconciler, type ReconcilerOptions } from '../../src/reconcile/reconciler.js';
import type { CostEvent } from '../../src/decode/cost-event.js';
import type { CostLedger } from '../../src/ledger/cost-ledger.js';
import { AS_SENT } from '../support/ledger-contract.js';
import { otlpMessage, otlpSpan } from '../support/otlp.js';
import { until } from '@genops/fakes';

const KEY = 'sk-or-v1-test';
const MODEL = 'openai/gpt-4o-mini';
const PRICE = { input: 0.15, output: 0.6 };
const HOUR = 3_600_000;
const FAST: Partial<ReconcilerOptions> = { ratePerSecond: 1000, retryBaseMs: 1000 };
/** OpenRouter's generation stats as the fake serves them. */
const stats = (fake: FakeOpenRouter, key = KEY) => new OpenRouterGenerations(key, fake.baseURL);

interface Completion {
  id: string;
  provider: string;
  usage: { prompt_tokens: number; completion_tokens: number; cost?: number; cost_details?: unknown };
}

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});

async function setUp(fakeOptions: FakeOpenRouterOptions = {}) {
  const fake = await startFakeOpenRouter({ apiKey: KEY, prices: { [MODEL]: PRICE }, ...fakeOptions });
  const ledger = await openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-recon-')), 'l.db')}`);
  opened.push(fake, ledger);
  return { fake, ledger };
}

/** One chat completion through the fake (its generation is then in the fake's bill). */
async function chat(fake: FakeOpenRouter, promptChars: number, headers: Record<string, string> = {}) {
  const response = await fetch(`${fake.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, ...headers },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'x'.repeat(promptChars) }] }),
  });
  return (await response.json()) as Completion;
}

/** Records a call as the instrumentation's span would, through the decoder and the reconciliation policy. */
async function record(
  ledger: CostLedger,
  c: Completion,
  costUsd: number,
  costSource: 'reported' | 'estimated',
  extra: { upstreamUsd?: number; sampleRate?: number } = {},
) {
  const span = otlpSpan({
    model: MODEL,
    servedProvider: c.provider,
    costUsd,
    costSource,
    generationId: c.id,
    inputTokens: c.usage.prompt_tokens,
    outputTokens: c.usage.completion_tokens,
    ...(extra.upstreamUsd !== undefined ? { upstreamUsd: extra.upstreamUsd } : {}),
  });
  const { events, failures } = decodeCostSpans(otlpMessage([span]), {
    catalog: AS_SENT,
    reconcile: reconciliationPolicy(extra.sampleRate ?? 0),
  });
  expect(failures).toEqual([]);
  await ledger.insertEvents(events);
}

async function totals(ledger: CostLedger) {
  const q = { fromMs: Date.now() - HOUR, toMs: Date.now() + HOUR, groupBy: [], filters: {} };
  return buildCostReport(q, await ledger.aggregate(q)).totals;
}

const zero = { matched: 0, adjusted: 0, notYet: 0, retried: 0, refused: 0, unavailable: 0 };

describe('Reconciler (OpenRouter generation stats)', () => {
  describe('when a call’s cost was estimated', () => {
    it('adjusts the ledger to the billed cost exactly, once, and exports the drift', async () => {
      const { fake, ledger } = await setUp();
      const estimated = await chat(fake, 1000, { 'x-fake-no-cost': '1' });
      expect(estimated.usage.cost).toBeUndefined();
      const reported = await chat(fake, 500);
      expect(reported.usage.cost).toBe(0.0000846);
      await record(ledger, estimated, 0.00015, 'estimated');
      await record(ledger, reported, reported.usage.cost!, 'reported'); // sample 0: not checked
      const metrics = new ProcessorMetrics();
      const adjusted: CostEvent[] = [];
      const reconciler = new Reconciler(ledger, stats(fake), {
        ...FAST,
        metrics,
        onAdjusted: (adjustment) => adjusted.push(adjustment), // the processor checks the team's budget alerts
      });

      expect(await reconciler.run()).toEqual({ ...zero, adjusted: 1 });
      expect(adjusted.map((a) => [a.team, a.spanId, a.costNano, a.adjustment])).toEqual([
        ['search', `adj-${estimated.id}`, 9_600n, true],
      ]);
      // 1000 prompt tokens × 0.15 + 16 completion tokens × 0.60 per 1M = 159,600 nano-USD billed.
      const billed = fakeCost(PRICE, 1000, 16);
      expect(billed).toBe(0.0001596);
      expect(await totals(ledger)).toEqual({
        costUsd: 0.0002442, // billed 159,600 + reported 84,600 nano-USD
        upstreamCostUsd: 0,
        requests: 2,
        errors: 0,
        inputTokens: 1500,
        outputTokens: 32,
        totalTokens: 1532,
        unpricedRequests: 0,
        unpricedTokens: 0,
      });
      expect(fake.lookups.map((l) => [l.id, l.status])).toEqual([[estimated.id, 200]]);

      // Run again: nothing is due, nothing is looked up, nothing is counted twice.
      expect(await reconciler.run()).toEqual(zero);
      expect(fake.lookups).toHaveLength(1);
      expect((await totals(ledger)).costUsd).toBe(0.0002442);

      const text = await metrics.registry.metrics();
      expect(text).toContain(
        `genops_reconciliation_recorded_usd_total{model="${MODEL}",provider="FakeProvider"} 0.00015`,
      );
      expect(text).toContain(
        `genops_reconciliation_billed_usd_total{model="${MODEL}",provider="FakeProvider"} 0.0001596`,
      );
      expect(text).toContain('genops_reconciliation_calls_total{outcome="adjusted"} 1');
    });
  });

  describe('when the stats are not available yet (404 at first)', () => {
    it('tries again after the backoff and then reconciles', async () => {
      const { fake, ledger } = await setUp({ generationDelayMs: 1500 });
      const c = await chat(fake, 100, { 'x-fake-no-cost': '1' });
      await record(ledger, c, 0.00001, 'estimated');
      // The reconciler's clock, moved by hand: when the call comes due does not depend on how busy the machine is.
      let clock = Date.now();
      const reconciler = new Reconciler(ledger, stats(fake), { ...FAST, now: () => clock });
      expect(await reconciler.run()).toEqual({ ...zero, notYet: 1 });
      expect(await reconciler.run()).toEqual(zero); // waiting out its backoff (1 s)
      const summary = await ledger.reconciliationSummary(Date.now() - HOUR, Date.now() + HOUR, 10);
      expect([summary.pending, summary.groups]).toEqual([1, []]);
      clock += 999;
      expect(await reconciler.run()).toEqual(zero);
      await until(
        'the fake to have the stats',
        () => Date.now() - fake.lookups[0]!.atMs,
        (ms) => ms > 1500,
      );
      clock += 1;
      expect(await reconciler.run()).toEqual({ ...zero, adjusted: 1 });
      expect(fake.lookups.map((l) => l.status)).toEqual([404, 200]);
      expect((await totals(ledger)).costUsd).toBe(fakeCost({ input: 0.15, output: 0.6 }, 100, 16));
    });
  });

  describe('when OpenRouter rate-limits the lookups (429 with Retry-After)', () => {
    it('waits at least as long as it was told, then reconciles', async () => {
      const { fake, ledger } = await setUp({ generationFailures: [{ status: 429, retryAfterSeconds: 2 }] });
      const c = await chat(fake, 100, { 'x-fake-no-cost': '1' });
      await record(ledger, c, 0.00001, 'estimated');
      const clock = Date.now();
      const reconciler = new Reconciler(ledger, stats(fake), { ...FAST, now: () => clock });
      expect(await reconciler.run()).toEqual({ ...zero, retried: 1 });
      // Retry-After 2 s beats the 1 s backoff.
      expect(await ledger.claimReconciliations(clock + 1999, 1000, 10)).toEqual([]);
      expect((await ledger.claimReconciliations(clock + 2000, 1, 10)).length).toBe(1);
      expect(fake.lookups.map((l) => l.status)).toEqual([429]);
    });
  });

  describe('when the key is refused (401)', () => {
    it('stops the run at the first refusal, keeps every call queued, and says which setting to fix', async () => {
      const { fake, ledger } = await setUp();
      for (let i = 0; i < 3; i++)
        await record(ledger, await chat(fake, 10, { 'x-fake-no-cost': '1' }), 0.00001, 'estimated');
      const warnings: string[] = [];
      const reconciler = new Reconciler(ledger, stats(fake, 'sk-or-wrong'), {
        ...FAST,
        concurrency: 1, // with more workers, each may have one lookup in flight when the first 401 lands
        warn: (m) => warnings.push(m),
      });
      expect(await reconciler.run()).toEqual({ ...zero, refused: 1 });
      expect(fake.lookups.map((l) => l.status)).toEqual([401]); // not once per queued call
      expect(warnings).toEqual([
        'reconciliation: OpenRouter refused lookups: 401 from OpenRouter (is GENOPS_OPENROUTER_API_KEY right?): {"error":{"code":401,"message":"No auth credentials found"}}',
      ]);
      const summary = await ledger.reconciliationSummary(Date.now() - HOUR, Date.now() + HOUR, 10);
      expect([summary.pending, summary.unavailable]).toEqual([3, 0]);
    });
  });

  describe('when a call’s stats never appear', () => {
    it('gives up after giveUpAfterMs and reports the call unavailable', async () => {
      const { fake, ledger } = await setUp();
      const c = await chat(fake, 10, { 'x-fake-no-cost': '1' });
      await record(ledger, { ...c, id: 'gen-never-billed' }, 0.00001, 'estimated');
      const later = () => Date.now() + 10_000; // the clock of a run 10 s after the call was queued
      const reconciler = new Reconciler(ledger, stats(fake), { ...FAST, giveUpAfterMs: 5_000, now: later });
      expect(await reconciler.run()).toEqual({ ...zero, unavailable: 1 });
      const summary = await ledger.reconciliationSummary(Date.now() - HOUR, Date.now() + HOUR, 10);
      expect([summary.pending, summary.unavailable]).toEqual([0, 1]);
      expect(await reconciler.run()).toEqual(zero);
    });
  });

  describe('when many calls are due', () => {
    it('spaces the lookups by the configured rate', async () => {
      const { fake, ledger } = await setUp();
      for (let i = 0; i < 6; i++)
        await record(ledger, await chat(fake, 10 + i, { 'x-fake-no-cost': '1' }), 0.00001, 'estimated');
      const reconciler = new Reconciler(ledger, stats(fake), { ...FAST, ratePerSecond: 20, concurrency: 4 });
      const started = Date.now();
      expect((await reconciler.run()).adjusted).toBe(6);
      // At 20/s lookup k starts no earlier than 50·k ms into the run, so however the four workers interleave, the
      // k-th lookup to arrive came at least 50·k ms after the start (a lower bound: it holds on a loaded machine).
      const arrivals = fake.lookups.map((l) => l.atMs - started).sort((a, b) => a - b);
      expect(arrivals).toHaveLength(6);
      arrivals.forEach((ms, k) => expect(ms, `lookup ${k}`).toBeGreaterThanOrEqual(50 * k - 1));
    });
  });

  describe('when the call was BYOK (the provider billed the caller’s own key)', () => {
    it('compares the fee plus the upstream cost with the bill, as the ledger records them', async () => {
      const { fake, ledger } = await setUp({ billedPrices: { [MODEL]: { input: 0.3, output: 0.6 } } });
      const c = await chat(fake, 1000, { 'x-fake-byok': '1' });
      const upstream = fakeCost(PRICE, 1000, 16); // 0.0001596 reported upstream; the fee is 5 % of it
      expect(c.usage.cost).toBe(0.00000798);
      await record(ledger, c, 0.00000798 + upstream, 'reported', { upstreamUsd: upstream, sampleRate: 1 });
      const reconciler = new Reconciler(ledger, stats(fake), FAST);
      expect(await reconciler.run()).toEqual({ ...zero, adjusted: 1 });
      // Billed: upstream 1000 × 0.30 + 16 × 0.60 per 1M = 309,600 nano-USD, fee 15,480.
      expect(await totals(ledger)).toMatchObject({ costUsd: 0.00032508, upstreamCostUsd: 0.0003096 });
    });
  });

  describe('the provider comparison', () => {
    it('counts an adjustment in the cost only: a group of adjustments alone has no requests and no error rate', () => {
      const sample = { servedProvider: 'OpenAI', model: MODEL, isError: false, durationMs: 0, tokens: 0 };
      expect(buildProviderReport([{ ...sample, costNano: 5_000n, adjustment: true }])).toEqual([
        {
          provider: 'OpenAI',
          model: MODEL,
          requests: 0,
          errors: 0,
          errorRate: 0,
          fallbacks: 0,
          latencyMs: { p50: 0, p95: 0, p99: 0 },
          costUsd: 0.000005,
          costPerMillionTokens: 0,
        },
      ]);
    });
  });
});
