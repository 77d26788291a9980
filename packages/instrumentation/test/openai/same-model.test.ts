import { describe, expect, it } from 'vitest';
import { sameModel } from '../../src/openai/openrouter.js';

describe('sameModel', () => {
  it.each([
    // served, requested, same?
    ['openai/gpt-4o', 'openai/gpt-4o', true],
    ['openai/gpt-4o-mini', 'openai/gpt-4o', false], // a fallback to another model
    ['openai/gpt-4o', 'openai/gpt-4o-mini', false],
    ['openai/gpt-4o-mini-2024-07-18', 'openai/gpt-4o-mini', true], // a dated snapshot
    ['deepseek/deepseek-chat-v3-0324', 'deepseek/deepseek-chat', true],
    ['anthropic/claude-3.5-sonnet-20240620', 'anthropic/claude-3.5-sonnet', true],
    ['anthropic/claude-3.5-sonnet-latest', 'anthropic/claude-3.5-sonnet', true],
    ['anthropic/claude-3.5-haiku', 'anthropic/claude-3.5-sonnet', false],
    ['meta-llama/llama-3.3-70b-instruct', 'meta-llama/llama-3.3-70b-instruct:free', true], // routing variants
    ['meta-llama/llama-3.3-70b-instruct:nitro', 'meta-llama/llama-3.3-70b-instruct', true],
    ['meta-llama/llama-3.3-70b-instruct', 'meta-llama/llama-3.3-70b-instruct:floor', true],
    ['meta-llama/llama-3.1-70b-instruct', 'meta-llama/llama-3.3-70b-instruct:free', false],
    ['gpt-4o-mini', 'openai/gpt-4o-mini', true], // a provider prefix on one side only
    ['gpt-4o-mini', 'openai/gpt-4o', false],
    ['mistralai/mistral-large', 'openai/gpt-4o', false],
    ['OpenAI/GPT-4o', 'openai/gpt-4o', true],
    ['qwen/qwen-2.5-72b-instruct-turbo', 'qwen/qwen-2.5-72b-instruct', false],
  ])('served %s for requested %s: same model = %s', (served, requested, same) => {
    expect(sameModel(served, requested)).toBe(same);
  });
});
