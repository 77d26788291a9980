// OpenRouter's model listing as our prices, from a listing in the wire format the official SDK (@openrouter/sdk)
// parses: long-context tiers under `pricing.overrides`, 1-hour cache writes, variable-priced routers, free variants
// and time-of-day overrides.
import { readFileSync } from 'node:fs';
import { modelsListResponseFromJSON } from '@openrouter/sdk/models';
import { describe, expect, it } from 'vitest';
import { costNanoUsd, type ModelPrice } from '../src/price-catalog.js';
import { pricesFromOpenRouter, PriceSourceError } from '../src/price-sync.js';

const TEXT = readFileSync(new URL('./fixtures/openrouter-models.json', import.meta.url), 'utf8');
const prices = pricesFromOpenRouter(JSON.parse(TEXT));
const dated = (id: string): ModelPrice => ({ effectiveFrom: '2026-01-01', ...prices[id]! });

describe('pricesFromOpenRouter', () => {
  it('reads a listing the official SDK accepts', () => {
    const parsed = modelsListResponseFromJSON(TEXT);
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.value.data.map((m) => m.id)).toEqual([
      'google/gemini-2.5-pro',
      'anthropic/claude-sonnet-4.5',
      'qwen/qwen-plus-2025-07-28',
      'deepseek/deepseek-chat-v3.1',
      'openai/gpt-5',
      'meta-llama/llama-3.3-70b-instruct:free',
      'openrouter/auto',
    ]);
  });

  it('reads the prompt-size overrides as long-context tiers, with every cache price', () => {
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
    expect(prices['qwen/qwen-plus-2025-07-28']!.longContext).toEqual([
      { thresholdTokens: 128_000, input: 1.2, output: 3.6 },
      { thresholdTokens: 256_000, input: 2.4, output: 4.8 },
    ]);
  });

  it('prices a 300k-token prompt at the tier, not at half', () => {
    // 300,000 × 2.5 × 1,000 + 2,000 × 15 × 1,000 = 750,000,000 + 30,000,000
    expect(costNanoUsd(dated('google/gemini-2.5-pro'), { inputTokens: 300_000, outputTokens: 2_000 })).toBe(
      780_000_000n,
    );
    // at the threshold (not above it) the base: 200,000 × 1.25 × 1,000 + 2,000 × 10 × 1,000
    expect(costNanoUsd(dated('google/gemini-2.5-pro'), { inputTokens: 200_000, outputTokens: 2_000 })).toBe(
      270_000_000n,
    );
  });

  it('leaves a time-of-day override out: the base is the price under default conditions', () => {
    expect(prices['deepseek/deepseek-chat-v3.1']).toEqual({ input: 0.27, output: 1.1, cacheRead: 0.07 });
  });

  it('keeps free variants at zero and gives variable-priced routers no price', () => {
    expect(prices['meta-llama/llama-3.3-70b-instruct:free']).toEqual({ input: 0, output: 0 });
    expect(prices['openrouter/auto']).toBeUndefined();
    expect(prices['openai/gpt-5']).toEqual({ input: 1.25, output: 10, cacheRead: 0.125, webSearch: 0.01 });
  });

  it('refuses a body that is not a listing', () => {
    expect(() => pricesFromOpenRouter({ models: [] })).toThrow(PriceSourceError);
  });
});
