// Every price dimension, one table per dimension, each expected value worked out by hand in the comment beside it
// (nano-USD = tokens × USD per 1M × 1,000; fees in USD × 1e9).
import { describe, expect, it } from 'vitest';
import {
  costNanoUsd,
  PriceCatalog,
  PriceTableError,
  type ModelPrice,
  type TokenUsage,
} from '../src/price-catalog.js';

const SONNET: ModelPrice = {
  effectiveFrom: '2026-01-01',
  input: 3,
  output: 15,
  cacheRead: 0.3,
  cacheWrite: 3.75,
  cacheWrite1h: 6,
  longContext: [{ thresholdTokens: 200_000, input: 6, output: 22.5, cacheRead: 0.6, cacheWrite: 7.5 }],
};

type Row = [name: string, price: ModelPrice, usage: TokenUsage, nano: bigint];

function table(rows: Row[]): void {
  it.each(rows)('%s', (_name, price, usage, nano) => {
    expect(costNanoUsd(price, usage)).toBe(nano);
  });
}

describe('prompt caching', () => {
  table([
    // 2,000 × 3 × 1,000 + 8,000 × 0.3 × 1,000 + 100 × 15 × 1,000 = 6,000,000 + 2,400,000 + 1,500,000
    [
      'cache reads at the read price',
      SONNET,
      { inputTokens: 10_000, cacheReadTokens: 8_000, outputTokens: 100 },
      9_900_000n,
    ],
    // 10,000 × 3.75 × 1,000
    [
      '5-minute cache writes at the write price',
      SONNET,
      { inputTokens: 10_000, cacheWriteTokens: 10_000, outputTokens: 0 },
      37_500_000n,
    ],
    // 4,000 × 6 × 1,000 + 6,000 × 0.3 × 1,000 = 24,000,000 + 1,800,000
    [
      '1-hour cache writes at their own price',
      SONNET,
      { inputTokens: 10_000, cacheWrite1hTokens: 4_000, cacheReadTokens: 6_000, outputTokens: 0 },
      25_800_000n,
    ],
    // no write price: 1,000 × 2 × 1,000 (writes cost what input costs)
    [
      'writes without a write price cost the input price',
      { effectiveFrom: '2026-01-01', input: 2, output: 8 },
      { inputTokens: 1_000, cacheWriteTokens: 1_000, outputTokens: 0 },
      2_000_000n,
    ],
  ]);
});

describe('long-context tier, chosen by the call’s prompt size', () => {
  table([
    // at the threshold: base, 200,000 × 3 × 1,000
    [
      'a prompt of exactly 200,000 tokens stays at the base price',
      SONNET,
      { inputTokens: 200_000, outputTokens: 0 },
      600_000_000n,
    ],
    // above: the whole call at the tier, 250,000 × 6 × 1,000 + 1,000 × 22.5 × 1,000
    [
      'a prompt above 200,000 tokens prices the whole call at the tier',
      SONNET,
      { inputTokens: 250_000, outputTokens: 1_000 },
      1_522_500_000n,
    ],
    // 200,000 × 6 × 1,000 + 100,000 × 0.6 × 1,000 = 1,200,000,000 + 60,000,000
    [
      'cache reads of a long prompt at the tier’s read price',
      SONNET,
      { inputTokens: 300_000, cacheReadTokens: 100_000, outputTokens: 0 },
      1_260_000_000n,
    ],
    // the tier sets no 1-hour write price: 250,000 × 6 × 1,000 (base cacheWrite1h 6)
    [
      'a price the tier leaves unset keeps the base',
      SONNET,
      { inputTokens: 250_000, cacheWrite1hTokens: 250_000, outputTokens: 0 },
      1_500_000_000n,
    ],
  ]);
});

describe('several long-context tiers (OpenRouter’s overrides), each the prompt is above in turn', () => {
  // Qwen Plus: 0.4 / 1.2 up to 128k; 1.2 / 3.6 above; 2.4 / 4.8 above 256k.
  const qwen: ModelPrice = {
    effectiveFrom: '2026-01-01',
    input: 0.4,
    output: 1.2,
    longContext: [
      { thresholdTokens: 128_000, input: 1.2, output: 3.6 },
      { thresholdTokens: 256_000, input: 2.4 },
    ],
  };
  table([
    // 100,000 × 0.4 × 1,000 + 1,000 × 1.2 × 1,000
    ['below both: base', qwen, { inputTokens: 100_000, outputTokens: 1_000 }, 41_200_000n],
    // 200,000 × 1.2 × 1,000 + 1,000 × 3.6 × 1,000
    ['above the first', qwen, { inputTokens: 200_000, outputTokens: 1_000 }, 243_600_000n],
    // 300,000 × 2.4 × 1,000 + 1,000 × 3.6 × 1,000: the second sets no output price, the first's holds
    [
      'above both: the later tier’s price where it sets one',
      qwen,
      { inputTokens: 300_000, outputTokens: 1_000 },
      723_600_000n,
    ],
  ]);
});

describe('a service tier with long-context tiers of its own', () => {
  // Gemini 2.5 Pro as LiteLLM prices it: priority 2.25 / 18, and 4.5 / 27 above 200k.
  const gemini: ModelPrice = {
    effectiveFrom: '2026-01-01',
    input: 1.25,
    output: 10,
    longContext: [{ thresholdTokens: 200_000, input: 2.5, output: 15 }],
    serviceTiers: {
      priority: {
        input: 2.25,
        output: 18,
        longContext: [{ thresholdTokens: 200_000, input: 4.5, output: 27 }],
      },
      flex: { input: 0.625, output: 5 },
    },
  };
  table([
    // 300,000 × 4.5 × 1,000 + 1,000 × 27 × 1,000
    [
      'priority above 200k: its own tier',
      gemini,
      { inputTokens: 300_000, outputTokens: 1_000, serviceTier: 'priority' },
      1_377_000_000n,
    ],
    // 100,000 × 2.25 × 1,000 + 1,000 × 18 × 1,000
    [
      'priority below: its base',
      gemini,
      { inputTokens: 100_000, outputTokens: 1_000, serviceTier: 'priority' },
      243_000_000n,
    ],
    // flex has no tiers of its own: the base long-context tier, 300,000 × 2.5 × 1,000 + 1,000 × 15 × 1,000
    [
      'flex above 200k: the base tier',
      gemini,
      { inputTokens: 300_000, outputTokens: 1_000, serviceTier: 'flex' },
      765_000_000n,
    ],
  ]);
});

describe('reasoning tokens', () => {
  const thinker: ModelPrice = { effectiveFrom: '2026-01-01', input: 3, output: 15, reasoning: 60 };
  table([
    // 100 × 3 × 1,000 + 200 × 15 × 1,000 + 800 × 60 × 1,000 = 300,000 + 3,000,000 + 48,000,000
    [
      'reasoning at its own price, the rest of the completion at output',
      thinker,
      { inputTokens: 100, outputTokens: 1_000, reasoningTokens: 800 },
      51_300_000n,
    ],
    // no reasoning price: 1,000 × 15 × 1,000
    [
      'reasoning without a price costs the output price',
      SONNET,
      { inputTokens: 0, outputTokens: 1_000, reasoningTokens: 800 },
      15_000_000n,
    ],
  ]);
});

describe('per-request and web-search fees', () => {
  const fee: ModelPrice = { effectiveFrom: '2026-01-01', input: 0.5, output: 1.5, request: 0.002 };
  const search: ModelPrice = { effectiveFrom: '2026-01-01', input: 2.5, output: 10, webSearch: 0.01 };
  table([
    // 1,000 × 0.5 × 1,000 + 1,000 × 1.5 × 1,000 + 0.002 × 1e9 = 500,000 + 1,500,000 + 2,000,000
    ['a fee per call', fee, { inputTokens: 1_000, outputTokens: 1_000 }, 4_000_000n],
    // the same tokens over 3 calls: 2,000,000 + 3 × 2,000,000
    [
      'the fee once per call a usage covers',
      fee,
      { inputTokens: 1_000, outputTokens: 1_000, requests: 3 },
      8_000_000n,
    ],
    // 1,000 × 2.5 × 1,000 + 100 × 10 × 1,000 + 2 × 0.01 × 1e9 = 2,500,000 + 1,000,000 + 20,000,000
    ['a fee per web search', search, { inputTokens: 1_000, outputTokens: 100, webSearches: 2 }, 23_500_000n],
  ]);
});

describe('service tiers, priced by the tier that served the call', () => {
  const tiered: ModelPrice = {
    effectiveFrom: '2026-01-01',
    input: 2.5,
    output: 10,
    serviceTiers: { priority: { input: 4.375, output: 17.5 }, flex: { input: 1.25, output: 5 } },
  };
  table([
    // 1,000 × 4.375 × 1,000 + 1,000 × 17.5 × 1,000
    ['priority', tiered, { inputTokens: 1_000, outputTokens: 1_000, serviceTier: 'priority' }, 21_875_000n],
    // 1,000 × 1.25 × 1,000 + 1,000 × 5 × 1,000
    ['flex', tiered, { inputTokens: 1_000, outputTokens: 1_000, serviceTier: 'flex' }, 6_250_000n],
    // a tier the table does not know: base, 2,500,000 + 10,000,000
    [
      'a tier without prices pays the base',
      tiered,
      { inputTokens: 1_000, outputTokens: 1_000, serviceTier: 'scale' },
      12_500_000n,
    ],
  ]);
});

describe('exact integer nano-USD', () => {
  // 0.0000015 USD per 1M tokens: 0.0015 nano-USD a token.
  const tiny: ModelPrice = { effectiveFrom: '2026-01-01', input: 0.0000015, output: 0 };
  table([
    // 334 × 0.0015 = 0.501 nano-USD: rounded half up once, to 1
    ['rounds the token sum once, half up', tiny, { inputTokens: 334, outputTokens: 0 }, 1n],
    // 333 × 0.0015 = 0.4995 nano-USD: 0
    ['below half a nano-USD rounds to 0', tiny, { inputTokens: 333, outputTokens: 0 }, 0n],
  ]);
});

describe('price tables with the new dimensions', () => {
  it('load and estimate through the catalog', () => {
    const catalog = new PriceCatalog({ version: 't', models: { 'anthropic/claude-sonnet-4.5': [SONNET] } });
    expect(
      catalog.estimate('anthropic/claude-sonnet-4.5', { inputTokens: 250_000, outputTokens: 1_000 })?.nanoUsd,
    ).toBe(1_522_500_000n);
  });

  it('read a file’s single long-context tier (an object) as a list of one', () => {
    const catalog = new PriceCatalog({
      version: 't',
      models: { m: [{ ...SONNET, longContext: SONNET.longContext![0] } as unknown as ModelPrice] },
    });
    expect(catalog.history('m')[0]!.longContext).toEqual(SONNET.longContext);
    expect(catalog.estimate('m', { inputTokens: 250_000, outputTokens: 1_000 })?.nanoUsd).toBe(
      1_522_500_000n,
    );
  });

  it.each([
    [{ longContext: { input: 6 } }, 'models["m"][0].longContext.thresholdTokens must be a positive integer'],
    [
      { longContext: [{ thresholdTokens: 128_000 }, { thresholdTokens: 0 }] },
      'models["m"][0].longContext[1].thresholdTokens must be a positive integer',
    ],
    [
      { serviceTiers: { priority: { longContext: [{ thresholdTokens: 200_000, output: -2 }] } } },
      'models["m"][0].serviceTiers.priority.longContext[0].output must be a non-negative number (USD per 1M tokens)',
    ],
    [
      { longContext: { thresholdTokens: 200_000, input: -1 } },
      'models["m"][0].longContext.input must be a non-negative number (USD per 1M tokens)',
    ],
    [
      { serviceTiers: { priority: { output: 'x' } } },
      'models["m"][0].serviceTiers.priority.output must be a non-negative number (USD per 1M tokens)',
    ],
    [{ request: -0.01 }, 'models["m"][0].request must be a non-negative number (USD)'],
    [
      { cacheWrite: Number.NaN },
      'models["m"][0].cacheWrite must be a non-negative number (USD per 1M tokens)',
    ],
  ])('reject a bad entry naming the field: %j', (extra, message) => {
    const build = () =>
      new PriceCatalog({
        version: 't',
        models: { m: [{ effectiveFrom: '2026-01-01', input: 1, output: 1, ...extra } as ModelPrice] },
      });
    expect(build).toThrow(PriceTableError);
    expect(build).toThrow(message);
  });
});
