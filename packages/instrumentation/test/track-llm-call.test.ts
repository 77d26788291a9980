import { diag, DiagLogLevel } from '@opentelemetry/api';
import { beforeEach, describe, expect, it } from 'vitest';
import { PriceCatalog, trackLLMCall, withGenOps } from '../src/index.js';
import { createTestTelemetry } from './support/telemetry.js';

const telemetry = createTestTelemetry();
const options = { tracerProvider: telemetry.tracerProvider, meterProvider: telemetry.meterProvider, env: {} };

beforeEach(() => telemetry.reset());

describe('trackLLMCall', () => {
  describe('when the API reports no cost', () => {
    it('estimates it from the price catalog', async () => {
      const result = await withGenOps({ team: 'custom' }, () =>
        trackLLMCall(
          { provider: 'custom', model: 'deepseek/deepseek-chat' },
          async (call) => {
            call.setUsage({ inputTokens: 30, outputTokens: 40 });
            return 'answer';
          },
          options,
        ),
      );
      expect(result).toBe('answer');
      const attrs = telemetry.spans()[0]!.attributes;
      // deepseek-chat in the bundled table today, 0.28 / 0.42 USD per 1M: 30 × 0.28 + 40 × 0.42 = 25.2 per 1M.
      expect(attrs['genops.cost.total']).toBe(0.0000252);
      expect(attrs['genops.cost.estimated']).toBe(0.0000252);
      expect(attrs['genops.cost.source']).toBe('estimated');
      // The proposed semconv cost attributes, beside genops.cost.*: computed here, so `local`.
      expect(attrs['gen_ai.usage.cost.amount']).toBe(0.0000252);
      expect(attrs['gen_ai.usage.cost.currency']).toBe('USD');
      expect(attrs['gen_ai.usage.cost.source']).toBe('local');
      expect(attrs['genops.team']).toBe('custom');
    });
  });

  describe('when the call wrote to the prompt cache and a priority tier served it', () => {
    it('prices each kind of token at its price and records the writes and the tier on the span', async () => {
      const priceCatalog = new PriceCatalog({
        version: 't',
        models: {
          'openai/gpt-5': [
            {
              effectiveFrom: '2026-01-01',
              input: 1.25,
              output: 10,
              cacheRead: 0.125,
              cacheWrite: 1.5,
              serviceTiers: { priority: { input: 2.5, output: 20, cacheRead: 0.25, cacheWrite: 3 } },
            },
          ],
        },
      });
      await trackLLMCall(
        { provider: 'openai', model: 'openai/gpt-5' },
        async (call) => {
          call.setUsage({
            inputTokens: 10_000,
            cacheReadTokens: 6_000,
            cacheWriteTokens: 3_000,
            outputTokens: 500,
            serviceTier: 'priority',
          });
        },
        { ...options, priceCatalog },
      );
      const attrs = telemetry.spans()[0]!.attributes;
      // priority prices: 1,000 × 2.5 + 6,000 × 0.25 + 3,000 × 3 + 500 × 20 = 2,500 + 1,500 + 9,000 + 10,000
      // = 23,000 USD per 1M → 0.023 USD
      expect(attrs['genops.cost.total']).toBe(0.023);
      expect(attrs['gen_ai.usage.cache_creation.input_tokens']).toBe(3_000);
      expect(attrs['gen_ai.usage.cache_read.input_tokens']).toBe(6_000);
      expect(attrs['openai.response.service_tier']).toBe('priority');
    });
  });

  describe('when the model is unknown', () => {
    it('records cost source unknown, warns once, and never throws', async () => {
      const warnings: string[] = [];
      diag.setLogger(
        {
          warn: (...args: unknown[]) => warnings.push(args.join(' ')),
          error: () => {},
          info: () => {},
          debug: () => {},
          verbose: () => {},
        },
        DiagLogLevel.WARN,
      );
      try {
        for (let i = 0; i < 3; i++) {
          await trackLLMCall(
            { provider: 'custom', model: 'nobody/mystery-1' },
            (call) => {
              call.setUsage({ inputTokens: 5, outputTokens: 5 });
            },
            options,
          );
        }
      } finally {
        diag.disable();
      }
      const attrs = telemetry.spans()[0]!.attributes;
      expect([
        attrs['genops.cost.total'],
        attrs['genops.cost.source'],
        attrs['genops.cost.estimated'],
      ]).toEqual([0, 'unknown', undefined]);
      expect(warnings.filter((w) => w.includes('nobody/mystery-1'))).toHaveLength(1);
    });
  });

  describe('when the callback throws', () => {
    it('rethrows the very same error object and marks the span', async () => {
      const original = Object.assign(new Error('boom'), { status: 503 });
      const caught = await trackLLMCall(
        { provider: 'custom', model: 'm' },
        async () => {
          throw original;
        },
        options,
      ).catch((e: unknown) => e);
      expect(caught).toBe(original);
      expect(telemetry.spans()[0]!.attributes['error.type']).toBe('503');
    });
  });

  describe('when given a reservation id', () => {
    it('puts it on the span', async () => {
      await trackLLMCall({ provider: 'custom', model: 'm' }, (call) => call.setReservation('res-1'), options);
      expect(telemetry.spans()[0]!.attributes['genops.budget.reservation_id']).toBe('res-1');
    });
  });

  describe('when usage is malformed', () => {
    it('counts it as zero instead of failing', async () => {
      await trackLLMCall(
        { provider: 'custom', model: 'deepseek/deepseek-chat' },
        (call) => {
          call.setUsage({ inputTokens: Number.NaN, outputTokens: -4 });
        },
        options,
      );
      expect(telemetry.spans()[0]!.attributes['genops.tokens.total']).toBe(0);
    });
  });
});

describe('attribution from W3C baggage', () => {
  it('takes genops.* baggage entries, under withGenOps and over the wrap defaults', async () => {
    const { context, propagation } = await import('@opentelemetry/api');
    const baggage = propagation.createBaggage({
      'genops.team': { value: 'payments' },
      'genops.project': { value: 'checkout' },
    });
    await context.with(propagation.setBaggage(context.active(), baggage), async () => {
      await trackLLMCall({ provider: 'custom', model: 'deepseek/deepseek-chat' }, async () => {}, {
        ...options,
        defaults: { team: 'default-team', environment: 'prod' },
      });
      await withGenOps({ project: 'override' }, () =>
        trackLLMCall({ provider: 'custom', model: 'deepseek/deepseek-chat' }, async () => {}, options),
      );
    });
    const [first, second] = telemetry.spans().map((s) => s.attributes);
    expect([first!['genops.team'], first!['genops.project'], first!['genops.environment']]).toEqual([
      'payments',
      'checkout',
      'prod',
    ]);
    expect([second!['genops.team'], second!['genops.project']]).toEqual(['payments', 'override']);
  });
});
