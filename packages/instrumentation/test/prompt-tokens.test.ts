// What BudgetGuard reserves for: the calibrated prompt-token estimate (weights worked out by hand below) with its
// stated margin, and OpenAI's exact counts (o200k, cl100k) for OpenAI models.
import { describe, expect, it } from 'vitest';
import {
  BudgetGuard,
  estimatePromptTokens,
  estimatePromptTokensWithMargin,
  PriceCatalog,
} from '../src/index.js';
import { o200kPromptTokens, openAiPromptTokens } from '../src/tokenizer.js';

describe('estimatePromptTokens', () => {
  it.each([
    // 'hi': 2 letters / 4.6 → 1, + 4 for the message + 3 for the reply
    ['a greeting', [{ role: 'user', content: 'hi' }], 8],
    // 27 letters / 4.6 = 5.87 → 6, + 4 + 3
    ['English words', [{ role: 'user', content: 'Summarise the quarterly report' }], 13],
    // {"a": [1, 2]}: 3 letters and digits / 4.6 = 0.65, 8 symbols ({ " " : [ , ] }) × 1.1 = 8.8 → 10, + 4 + 3
    ['JSON, dense in symbols', [{ role: 'user', content: '{"a": [1, 2]}' }], 17],
    // 你好世界: 4 CJK × 0.65 = 2.6 → 3, + 4 + 3
    ['Chinese', [{ role: 'user', content: '你好世界' }], 10],
    // two messages: (1 + 4) + (1 + 4) + 3
    [
      'each message adds its overhead',
      [
        { role: 'system', content: 'be' },
        { role: 'user', content: 'hi' },
      ],
      13,
    ],
    // content parts: their text is what counts
    ['content parts', [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], 8],
  ])('%s', (_name, messages, tokens) => {
    expect(estimatePromptTokens(messages)).toBe(tokens);
  });
});

describe('o200kPromptTokens (@genops/instrumentation/tokenizer)', () => {
  it('counts what OpenAI bills for OpenAI models, with or without the openai/ prefix', () => {
    // <|im_start|>user<|im_sep|>hi<|im_end|> and the reply's <|im_start|>assistant<|im_sep|>: 8 tokens
    expect(o200kPromptTokens([{ role: 'user', content: 'hi' }], 'openai/gpt-4o')).toBe(8);
    expect(o200kPromptTokens([{ role: 'user', content: 'hi' }], 'gpt-5-mini')).toBe(8);
  });

  it('has no count for other models, so BudgetGuard falls back to the estimate', () => {
    expect(
      o200kPromptTokens([{ role: 'user', content: 'hi' }], 'anthropic/claude-sonnet-4.5'),
    ).toBeUndefined();
  });
});

describe('openAiPromptTokens (@genops/instrumentation/tokenizer)', () => {
  it('counts each OpenAI model with its own encoding: o200k for GPT-4o and later, cl100k for GPT-4 and 3.5', () => {
    const chinese = [{ role: 'user', content: '你好世界' }];
    expect(openAiPromptTokens(chinese, 'openai/gpt-4o')).toBe(9);
    expect(openAiPromptTokens(chinese, 'gpt-4.1-mini')).toBe(9);
    expect(openAiPromptTokens(chinese, 'gpt-4')).toBe(12);
    expect(openAiPromptTokens(chinese, 'openai/gpt-4-turbo')).toBe(12);
    expect(openAiPromptTokens(chinese, 'gpt-3.5-turbo')).toBe(12);
    expect(openAiPromptTokens(chinese, 'meta-llama/llama-3.3-70b-instruct')).toBeUndefined();
  });
});

describe('estimatePromptTokensWithMargin', () => {
  it('is the estimate × 1.25, rounded up, + 16 tokens', () => {
    // 'hi': estimate 8 → 10 + 16
    expect(estimatePromptTokensWithMargin([{ role: 'user', content: 'hi' }])).toBe(26);
  });
});

describe('BudgetGuard prompt tokens', () => {
  const catalog = new PriceCatalog({
    version: 't',
    models: {
      'openai/gpt-4o': [{ effectiveFrom: '2024-01-01', input: 2.5, output: 10 }],
      'vendor/other': [{ effectiveFrom: '2024-01-01', input: 1, output: 1 }],
    },
  });
  const messages = [{ role: 'user', content: '你好世界' }];

  it('uses the counter where it has a count, the estimate with its margin elsewhere', () => {
    const guard = new BudgetGuard({
      url: 'http://127.0.0.1:9',
      priceCatalog: catalog,
      promptTokenCounter: o200kPromptTokens,
    });
    const o200k = o200kPromptTokens(messages, 'openai/gpt-4o')!;
    expect(guard.promptTokens({ model: 'openai/gpt-4o', messages })).toBe(o200k);
    // the estimate 10, × 1.25 → 13, + 16
    expect(guard.promptTokens({ model: 'vendor/other', messages })).toBe(29);
    // vendor/other: 29 prompt tokens × 1 + 100 out × 1 USD per 1M
    expect(guard.estimateChatCost({ model: 'vendor/other', messages, max_tokens: 100 }).usd).toBe(0.000129);
    guard.close();
  });
});
