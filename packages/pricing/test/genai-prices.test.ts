// Pydantic's genai-prices data as our prices and match rules, from the data its npm package ships
// (test/fixtures/genai-prices-0.1.8.json, written by scripts/genai-prices-fixture.mjs).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchesRule } from '../src/match-rule.js';
import { ModelIdentity } from '../src/model-identity.js';
import { pricesFromGenaiPrices, PriceSourceError } from '../src/price-sync.js';

const DATA: unknown = JSON.parse(
  readFileSync(new URL('./fixtures/genai-prices-0.1.8.json', import.meta.url), 'utf8'),
);
const AT = new Date('2026-12-01T00:00:00Z');
const { prices, match } = pricesFromGenaiPrices(DATA, AT);

describe('pricesFromGenaiPrices', () => {
  it('names a maker’s model vendor/model, its tiered prices as long-context tiers, fees per call', () => {
    expect(prices['anthropic/claude-sonnet-4.5']).toEqual({
      input: 3,
      output: 15,
      cacheRead: 0.3,
      cacheWrite: 3.75,
      cacheWrite1h: 6,
      webSearch: 0.01,
      longContext: [
        {
          thresholdTokens: 200_000,
          input: 6,
          output: 22.5,
          cacheRead: 0.6,
          cacheWrite: 7.5,
          cacheWrite1h: 12,
        },
      ],
    });
    expect(prices['google/gemini-2.5-pro']).toEqual({
      input: 1.25,
      output: 10,
      cacheRead: 0.125,
      longContext: [{ thresholdTokens: 200_000, input: 2.5, output: 15, cacheRead: 0.25 }],
    });
  });

  it('prices the hosted models under their own maker, not the host’s (Vertex’s Claude is not Google’s)', () => {
    expect(Object.keys(prices).filter((id) => id.startsWith('google/claude'))).toEqual([]);
  });

  it('takes the full price where a discount holds only at some hours (DeepSeek off-peak)', () => {
    expect(prices['deepseek/deepseek-chat']).toEqual({ input: 0.27, output: 1.1, cacheRead: 0.07 });
  });

  it('takes the dated price in force at the sync’s time', () => {
    const before = pricesFromGenaiPrices(DATA, new Date('2026-12-31T00:00:00Z')).prices[
      'google/gemini-3.6-flash'
    ];
    const after = pricesFromGenaiPrices(DATA, new Date('2027-01-02T00:00:00Z')).prices[
      'google/gemini-3.6-flash'
    ];
    expect(before).toBeDefined();
    expect(after).toBeDefined();
    expect(after).not.toEqual(before);
  });

  it('keeps each model’s match rule, which resolves names the model’s parts do not', () => {
    expect(match['anthropic/claude-3.7-sonnet']).toEqual({
      or: [
        { starts_with: 'claude-3-7-sonnet' },
        { starts_with: 'claude-3.7-sonnet' },
        { starts_with: 'claude-sonnet-3.7' },
        { starts_with: 'claude-sonnet-3-7' },
      ],
    });
    expect(matchesRule(match['anthropic/claude-3.7-sonnet']!, 'Claude-Sonnet-3-7-20250219')).toBe(true);
    const identity = new ModelIdentity(Object.keys(prices), match);
    expect(identity.resolve('claude-sonnet-3-7-20250219')).toEqual({
      kind: 'alias',
      id: 'anthropic/claude-3.7-sonnet',
      by: 'rule',
    });
  });

  it('refuses a body that is not a list of providers', () => {
    expect(() => pricesFromGenaiPrices({ providers: [] })).toThrow(PriceSourceError);
  });
});
