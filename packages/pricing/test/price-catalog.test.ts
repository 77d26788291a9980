import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED_PRICES } from '../src/bundled-prices.js';
import { costNanoUsd, PriceCatalog, PriceTableError } from '../src/price-catalog.js';

describe('PriceCatalog', () => {
  describe('the bundled table', () => {
    it('covers the seeds’ models and the major vendors on OpenRouter', () => {
      const ids = PriceCatalog.bundled().modelIds();
      for (const id of [
        'deepseek/deepseek-chat',
        'qwen/qwen-2.5-72b-instruct',
        'openai/gpt-4o',
        'anthropic/claude-3.5-sonnet',
        'google/gemini-2.5-pro',
        'meta-llama/llama-3.3-70b-instruct',
      ]) {
        expect(ids).toContain(id);
      }
      expect(PriceCatalog.bundled().version).toBe(BUNDLED_PRICES.version);
    });

    it('is current: the models the 2025 table lacked, each entry dated, the newest from the day it was taken', () => {
      const catalog = PriceCatalog.bundled();
      // Claude Opus 4.7 from its dated snapshot name's day; DeepSeek V4 Pro first seen in the table of 2026-11-20.
      expect(
        catalog.history('anthropic/claude-opus-4.7').map((p) => [p.effectiveFrom, p.input, p.output]),
      ).toEqual([['2026-04-16', 5, 25]]);
      for (const id of ['anthropic/claude-sonnet-4.6', 'openai/gpt-5', 'deepseek/deepseek-v4-pro'])
        expect(catalog.lookup(id, new Date('2026-11-21')), id).toBeDefined();
      const dates = Object.values(BUNDLED_PRICES.models).flatMap((list) => list.map((p) => p.effectiveFrom));
      expect(dates.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && d <= BUNDLED_PRICES.version)).toBe(true);
      expect(dates).toContain(BUNDLED_PRICES.version);
    });

    it('answers to the names genai-prices’ match rules give a model', () => {
      const catalog = PriceCatalog.bundled();
      expect(catalog.resolve('claude-sonnet-3-7-20250219')).toEqual({
        kind: 'alias',
        id: 'anthropic/claude-3.7-sonnet',
        by: 'rule',
      });
    });
  });

  describe('when estimating', () => {
    it('computes exact nano-USD, pricing cached and reasoning tokens apart', () => {
      const price = { effectiveFrom: '2025-01-01', input: 2.5, output: 10, cacheRead: 1.25, reasoning: 12 };
      // 1000 fresh in × 2.5 + 200 cached × 1.25 + 300 plain out × 10 + 100 reasoning × 12, per 1M tokens.
      expect(
        costNanoUsd(price, {
          inputTokens: 1200,
          outputTokens: 400,
          cacheReadTokens: 200,
          reasoningTokens: 100,
        }),
      ).toBe(2_500_000n + 250_000n + 3_000_000n + 1_200_000n);
    });

    it('rounds half up once, at the end', () => {
      // 1 token at 0.0375 USD/1M = 37.5 nano-USD → 38.
      expect(
        costNanoUsd(
          { effectiveFrom: '2025-01-01', input: 0.0375, output: 0 },
          { inputTokens: 1, outputTokens: 0 },
        ),
      ).toBe(38n);
    });

    it('sums a million calls without drift', () => {
      const price = { effectiveFrom: '2025-01-01', input: 0.27, output: 1.1 };
      const one = costNanoUsd(price, { inputTokens: 30, outputTokens: 40 });
      expect(one).toBe(52_100n);
      expect(one * 1_000_000n).toBe(52_100_000_000n); // exactly 52.1 USD
    });

    it('uses the price in force at the call time', () => {
      const catalog = PriceCatalog.bundled();
      const usage = { inputTokens: 1_000_000, outputTokens: 0 };
      expect(catalog.estimate('openai/o3', usage, new Date('2025-05-01'))!.usd).toBe(10);
      expect(catalog.estimate('openai/o3', usage, new Date('2025-07-01'))!.usd).toBe(2);
      expect(catalog.estimate('openai/o3', usage, new Date('2024-01-01'))).toBeUndefined();
    });

    it('matches variant suffixes and bare ids', () => {
      const catalog = PriceCatalog.bundled();
      expect(catalog.lookup('deepseek/deepseek-chat:free', new Date('2025-06-01'))?.input).toBe(0.27);
      // The table of 2026-11-20 saw DeepSeek's price change: the history has both.
      expect(catalog.lookup('deepseek/deepseek-chat:free', new Date('2026-11-21'))?.input).toBe(0.28);
      expect(catalog.lookup('gpt-4o-mini')?.input).toBe(0.15);
      expect(catalog.lookup('nobody/unknown-model')).toBeUndefined();
    });
  });

  describe('overrides', () => {
    it('lays an object over the bundled table', () => {
      const catalog = PriceCatalog.bundled().withOverrides({
        version: 'acme-2026-01',
        models: { 'acme/model': [{ effectiveFrom: '2020-01-01', input: 1, output: 2 }] },
      });
      expect(catalog.version).toBe('2026-11-20+acme-2026-01');
      expect(catalog.estimate('acme/model', { inputTokens: 10, outputTokens: 10 })!.nanoUsd).toBe(30_000n); // 10 × 1 + 10 × 2 USD per 1M tokens
      expect(catalog.lookup('deepseek/deepseek-chat')?.output).toBe(0.42); // the bundled price stays
    });

    it('reads a YAML file', () => {
      const dir = mkdtempSync(join(tmpdir(), 'genops-prices-'));
      const path = join(dir, 'prices.yaml');
      writeFileSync(
        path,
        'version: negotiated\nmodels:\n  deepseek/deepseek-chat:\n    - effectiveFrom: "2020-01-01"\n      input: 0.2\n      output: 0.8\n',
      );
      const catalog = PriceCatalog.fromFile(path);
      expect(catalog.lookup('deepseek/deepseek-chat')).toEqual({
        effectiveFrom: '2020-01-01',
        input: 0.2,
        output: 0.8,
      });
    });

    it('names the bad field', () => {
      expect(() =>
        PriceCatalog.bundled().withOverrides({
          models: { 'a/b': [{ effectiveFrom: '2020-01-01', input: -1, output: 1 }] },
        }),
      ).toThrow(
        new PriceTableError('models["a/b"][0].input must be a non-negative number (USD per 1M tokens)'),
      );
    });
  });
});
