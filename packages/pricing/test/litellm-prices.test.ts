import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pricesFromLiteLLM, PriceSourceError } from '../src/price-sync.js';

// Entries of the price file the litellm 1.110.2 wheel ships (fixtures/README.md).
const file = JSON.parse(
  readFileSync(new URL('./fixtures/litellm-1.110.2.json', import.meta.url), 'utf8'),
) as unknown;
const prices = pricesFromLiteLLM(file);

describe('pricesFromLiteLLM (the file litellm 1.110.2 ships)', () => {
  it('prices chat and Responses-API models under one vendor/model id each, and nothing else', () => {
    expect(Object.keys(prices).sort()).toEqual([
      'anthropic/claude-sonnet-4.5',
      'deepseek/deepseek-chat',
      'google/gemini-2.5-flash',
      'google/gemini-2.5-pro',
      'openai/gpt-4.1',
      'openai/gpt-4o',
      'openai/gpt-4o-mini',
      'openai/gpt-5',
      'openai/gpt-5-pro',
      'openai/o3',
    ]);
  });

  it('reads a mode: responses model with its batch prices', () => {
    expect(prices['openai/gpt-5-pro']).toEqual({
      input: 15,
      output: 120,
      serviceTiers: { batch: { input: 7.5, output: 60 } },
    });
  });

  it('takes the maker’s own entry for a model LiteLLM also lists under Bedrock, Vertex and a dated key', () => {
    expect(prices['anthropic/claude-sonnet-4.5']).toEqual({
      input: 3,
      output: 15,
      cacheRead: 0.3,
      cacheWrite: 3.75,
      cacheWrite1h: 6,
      serviceTiers: { batch: { input: 1.5, output: 7.5, cacheRead: 0.15, cacheWrite: 1.875 } },
    });
  });

  it('reads a gemini/ key with its above-200k tier and the priority, flex and batch tiers, each with its own', () => {
    expect(prices['google/gemini-2.5-pro']).toEqual({
      input: 1.25,
      output: 10,
      cacheRead: 0.125,
      longContext: [{ thresholdTokens: 200_000, input: 2.5, output: 15, cacheRead: 0.25 }],
      serviceTiers: {
        priority: {
          input: 2.25,
          output: 18,
          cacheRead: 0.225,
          longContext: [{ thresholdTokens: 200_000, input: 4.5, output: 27, cacheRead: 0.45 }],
        },
        flex: {
          input: 0.625,
          output: 5,
          cacheRead: 0.125,
          longContext: [{ thresholdTokens: 200_000, input: 1.25, output: 7.5, cacheRead: 0.25 }],
        },
        batch: {
          input: 0.625,
          output: 5,
          cacheRead: 0.125,
          longContext: [{ thresholdTokens: 200_000, input: 1.25, output: 7.5, cacheRead: 0.25 }],
        },
      },
    });
  });

  it('refuses a body that is not a price file', () => {
    expect(() => pricesFromLiteLLM([1, 2])).toThrow(PriceSourceError);
  });
});
