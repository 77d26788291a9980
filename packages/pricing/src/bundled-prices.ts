// The bundled price table: OpenRouter list prices in USD per million tokens.
import type { PriceTable } from './price-types.js';

/**
 * Taken from OpenRouter's public model list (`/api/v1/models`, fields `pricing.prompt`, `pricing.completion`,
 * `pricing.input_cache_read`, scaled to per million tokens) on the date in `version`. Prices change: a service
 * that needs today's prices passes overrides (`PriceCatalog.bundled().withOverrides(…)` or `fromFile`), and a
 * reported cost (`usage.cost`) always wins over these estimates.
 */
export const BUNDLED_PRICES: PriceTable = {
  version: '2025-06-01',
  models: {
    // The seeds' models.
    'deepseek/deepseek-chat': [{ effectiveFrom: '2025-03-24', input: 0.27, output: 1.1, cacheRead: 0.07 }],
    'deepseek/deepseek-r1': [{ effectiveFrom: '2025-01-20', input: 0.55, output: 2.19, cacheRead: 0.14 }],
    'deepseek/deepseek-coder': [{ effectiveFrom: '2024-09-05', input: 0.14, output: 0.28 }],
    'qwen/qwen-2.5-72b-instruct': [{ effectiveFrom: '2024-09-19', input: 0.35, output: 0.4 }],
    'qwen/qwen-2.5-coder-32b-instruct': [{ effectiveFrom: '2024-11-12', input: 0.07, output: 0.16 }],
    'qwen/qwen-max': [{ effectiveFrom: '2025-02-01', input: 1.6, output: 6.4, cacheRead: 0.64 }],
    'qwen/qwen-plus': [{ effectiveFrom: '2025-02-01', input: 0.4, output: 1.2, cacheRead: 0.16 }],
    'qwen/qwen-turbo': [{ effectiveFrom: '2025-02-01', input: 0.05, output: 0.2, cacheRead: 0.02 }],
    // OpenAI.
    'openai/gpt-4o': [{ effectiveFrom: '2024-08-06', input: 2.5, output: 10, cacheRead: 1.25 }],
    'openai/gpt-4o-mini': [{ effectiveFrom: '2024-07-18', input: 0.15, output: 0.6, cacheRead: 0.075 }],
    'openai/gpt-4.1': [{ effectiveFrom: '2025-04-14', input: 2, output: 8, cacheRead: 0.5 }],
    'openai/gpt-4.1-mini': [{ effectiveFrom: '2025-04-14', input: 0.4, output: 1.6, cacheRead: 0.1 }],
    'openai/gpt-4.1-nano': [{ effectiveFrom: '2025-04-14', input: 0.1, output: 0.4, cacheRead: 0.025 }],
    'openai/o3-mini': [{ effectiveFrom: '2025-01-31', input: 1.1, output: 4.4, cacheRead: 0.55 }],
    'openai/o4-mini': [{ effectiveFrom: '2025-04-16', input: 1.1, output: 4.4, cacheRead: 0.275 }],
    'openai/o3': [
      { effectiveFrom: '2025-04-16', input: 10, output: 40, cacheRead: 2.5 },
      { effectiveFrom: '2025-06-10', input: 2, output: 8, cacheRead: 0.5 },
    ],
    // Anthropic.
    // Anthropic: cache reads 0.1×, 5-minute writes 1.25×, 1-hour writes 2× the input price; Sonnet 4 / 4.5 prompts
    // above 200,000 tokens are billed at the long-context prices.
    'anthropic/claude-3.5-haiku': [
      {
        effectiveFrom: '2024-11-04',
        input: 0.8,
        output: 4,
        cacheRead: 0.08,
        cacheWrite: 1,
        cacheWrite1h: 1.6,
      },
    ],
    'anthropic/claude-3.5-sonnet': [
      {
        effectiveFrom: '2024-10-22',
        input: 3,
        output: 15,
        cacheRead: 0.3,
        cacheWrite: 3.75,
        cacheWrite1h: 6,
      },
    ],
    'anthropic/claude-3.7-sonnet': [
      {
        effectiveFrom: '2025-02-24',
        input: 3,
        output: 15,
        cacheRead: 0.3,
        cacheWrite: 3.75,
        cacheWrite1h: 6,
      },
    ],
    'anthropic/claude-sonnet-4': [
      {
        effectiveFrom: '2025-05-22',
        input: 3,
        output: 15,
        cacheRead: 0.3,
        cacheWrite: 3.75,
        cacheWrite1h: 6,
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
      },
    ],
    'anthropic/claude-sonnet-4.5': [
      {
        effectiveFrom: '2025-09-29',
        input: 3,
        output: 15,
        cacheRead: 0.3,
        cacheWrite: 3.75,
        cacheWrite1h: 6,
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
      },
    ],
    'anthropic/claude-haiku-4.5': [
      { effectiveFrom: '2025-10-15', input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25, cacheWrite1h: 2 },
    ],
    'anthropic/claude-opus-4': [
      {
        effectiveFrom: '2025-05-22',
        input: 15,
        output: 75,
        cacheRead: 1.5,
        cacheWrite: 18.75,
        cacheWrite1h: 30,
      },
    ],
    'anthropic/claude-opus-4.1': [
      {
        effectiveFrom: '2025-08-05',
        input: 15,
        output: 75,
        cacheRead: 1.5,
        cacheWrite: 18.75,
        cacheWrite1h: 30,
      },
    ],
    // Google.
    'google/gemini-2.0-flash-001': [
      { effectiveFrom: '2025-02-05', input: 0.1, output: 0.4, cacheRead: 0.025 },
    ],
    'google/gemini-2.5-flash': [{ effectiveFrom: '2025-05-20', input: 0.3, output: 2.5, cacheRead: 0.075 }],
    // Prompts over 200k tokens are billed at the higher tier, the whole call (LiteLLM's and genai-prices' data agree;
    // the table missed it until the cross-check with genai-prices found it).
    'google/gemini-2.5-pro': [
      {
        effectiveFrom: '2025-05-06',
        input: 1.25,
        output: 10,
        cacheRead: 0.31,
        longContext: [{ thresholdTokens: 200_000, input: 2.5, output: 15, cacheRead: 0.625 }],
      },
    ],
    // Meta.
    'meta-llama/llama-3.1-8b-instruct': [{ effectiveFrom: '2024-07-23', input: 0.02, output: 0.05 }],
    'meta-llama/llama-3.1-405b-instruct': [{ effectiveFrom: '2024-07-23', input: 0.8, output: 0.8 }],
    'meta-llama/llama-3.3-70b-instruct': [{ effectiveFrom: '2024-12-06', input: 0.12, output: 0.3 }],
    'meta-llama/llama-4-maverick': [{ effectiveFrom: '2025-04-05', input: 0.15, output: 0.6 }],
    'meta-llama/llama-4-scout': [{ effectiveFrom: '2025-04-05', input: 0.08, output: 0.3 }],
    // Mistral.
    'mistralai/mistral-large': [{ effectiveFrom: '2024-11-18', input: 2, output: 6 }],
    'mistralai/mistral-small-3.1-24b-instruct': [{ effectiveFrom: '2025-03-17', input: 0.05, output: 0.15 }],
  },
};
