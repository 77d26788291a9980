import { PriceCatalog } from '@genops/pricing';
import { describe, expect, it } from 'vitest';
import { decodeCostSpans } from '../../src/decode/decode-cost-spans.js';
import { otlpMessage, otlpSpan, type SyntheticSpan } from '../support/otlp.js';

const END = Date.parse('2026-06-01T12:00:00Z');
// 0.15 / 0.60 USD per 1M tokens; cache writes 0.30 (5 min) and 0.60 (1 h); 0.01 USD per web search.
const CATALOG = new PriceCatalog({
  version: 'test',
  models: {
    'acme/fresh-model': [
      {
        effectiveFrom: '2026-01-01',
        input: 0.15,
        output: 0.6,
        cacheWrite: 0.3,
        cacheWrite1h: 0.6,
        webSearch: 0.01,
      },
    ],
  },
});

/** The event a span becomes with the processor's catalog; `extra` attributes as the instrumentation writes them. */
function decoded(s: SyntheticSpan, extra: Record<string, number> = {}) {
  const span = otlpSpan({ endMs: END, inputTokens: 1000, outputTokens: 16, ...s }) as {
    attributes: { key: string; value: unknown }[];
  };
  for (const [key, n] of Object.entries(extra)) span.attributes.push({ key, value: { intValue: String(n) } });
  const { events, failures } = decodeCostSpans(otlpMessage([span]), { catalog: CATALOG });
  expect(failures).toEqual([]);
  const [e] = events;
  return { costNano: e!.costNano, costSource: e!.costSource, clientCostNano: e!.clientCostNano };
}

describe('pricing at ingest', () => {
  describe('when a stale service could not price the model', () => {
    it('records the processor’s price, the service’s 0 kept beside it', () => {
      // 1,000 × 0.15 + 16 × 0.60 = 159.6 µUSD
      expect(decoded({ model: 'acme/fresh-model', costUsd: 0, costSource: 'unknown' })).toEqual({
        costNano: 159_600n,
        costSource: 'estimated',
        clientCostNano: 0n,
      });
    });
  });

  describe('when the service estimated with another price', () => {
    it('records the processor’s price and keeps the service’s estimate for drift', () => {
      expect(decoded({ model: 'acme/fresh-model', costUsd: 0.0002, costSource: 'estimated' })).toEqual({
        costNano: 159_600n,
        costSource: 'estimated',
        clientCostNano: 200_000n,
      });
    });
  });

  describe('when the provider reported the cost', () => {
    it('records it as sent', () => {
      expect(decoded({ model: 'acme/fresh-model', costUsd: 0.000321, costSource: 'reported' })).toEqual({
        costNano: 321_000n,
        costSource: 'reported',
        clientCostNano: undefined,
      });
    });
  });

  describe('when only the service knows a price', () => {
    it('keeps the service’s estimate', () => {
      expect(decoded({ model: 'acme/private-model', costUsd: 0.0005, costSource: 'estimated' })).toEqual({
        costNano: 500_000n,
        costSource: 'estimated',
        clientCostNano: undefined,
      });
    });
  });

  describe('when nobody can price the model', () => {
    it('records the call unpriced at 0', () => {
      expect(decoded({ model: 'acme/private-model', costUsd: 0, costSource: 'unknown' })).toEqual({
        costNano: 0n,
        costSource: 'unknown',
        clientCostNano: 0n,
      });
    });
  });

  describe('when the span carries cache writes by duration and web searches', () => {
    it('prices each at its own rate', () => {
      // 1,000 prompt tokens: 400 written for 5 min, 300 for 1 h, 300 plain; 16 completion; 2 searches.
      // 300 × 0.15 + 400 × 0.30 + 300 × 0.60 + 16 × 0.60 = 354.6 µUSD, + 2 × 0.01 USD.
      expect(
        decoded(
          { model: 'acme/fresh-model', costUsd: 0, costSource: 'unknown' },
          {
            'gen_ai.usage.cache_creation.input_tokens': 700,
            'genops.tokens.cache_write_1h': 300,
            'genops.web_searches': 2,
          },
        ).costNano,
      ).toBe(354_600n + 20_000_000n);
    });
  });
});
