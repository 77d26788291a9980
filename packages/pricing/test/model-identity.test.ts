import { describe, expect, it } from 'vitest';
import { ModelIdentity, parseModelName } from '../src/model-identity.js';
import { PriceCatalog } from '../src/price-catalog.js';

const bundled = new ModelIdentity(PriceCatalog.bundled().modelIds());

describe('parseModelName', () => {
  it.each([
    ['anthropic/claude-sonnet-4.5', 'anthropic', 'claude-sonnet-4.5'],
    ['claude-sonnet-4-5-20250929', undefined, 'claude-sonnet-4.5'],
    ['anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic', 'claude-sonnet-4.5'],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic', 'claude-sonnet-4.5'],
    ['bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic', 'claude-sonnet-4.5'],
    ['claude-sonnet-4-5@20250929', undefined, 'claude-sonnet-4.5'],
    ['vertex_ai/claude-sonnet-4-5@20250929', undefined, 'claude-sonnet-4.5'],
    ['gemini/gemini-2.5-pro', 'google', 'gemini-2.5-pro'],
    ['openai/gpt-4o-2024-08-06', 'openai', 'gpt-4o'],
    ['openrouter/anthropic/claude-3.5-sonnet', 'anthropic', 'claude-3.5-sonnet'],
    ['claude-3-5-sonnet-20241022', undefined, 'claude-3.5-sonnet'],
    ['deepseek/deepseek-r1:free', 'deepseek', 'deepseek-r1'],
    ['anthropic/claude-3.7-sonnet:thinking', 'anthropic', 'claude-3.7-sonnet'],
    ['gpt-4.1-mini', undefined, 'gpt-4.1-mini'],
    ['qwen/qwen-2.5-72b-instruct', 'qwen', 'qwen-2.5-72b-instruct'],
    ['claude-4-5-sonnet-20250929', undefined, 'claude-sonnet-4.5'],
    ['anthropic/claude-opus-4.0', 'anthropic', 'claude-opus-4'],
    ['claude-4-opus-20250514', undefined, 'claude-opus-4'],
  ])('reads %s as vendor %s, model %s', (name, vendor, key) => {
    expect(parseModelName(name)).toEqual({ ...(vendor ? { vendor } : {}), key });
  });
});

describe('ModelIdentity', () => {
  describe('over the bundled catalog', () => {
    it.each([
      ['anthropic/claude-sonnet-4.5', 'exact', 'anthropic/claude-sonnet-4.5'],
      ['claude-sonnet-4-5-20250929', 'alias', 'anthropic/claude-sonnet-4.5'],
      ['anthropic.claude-sonnet-4-5-20250929-v1:0', 'alias', 'anthropic/claude-sonnet-4.5'],
      ['claude-sonnet-4-5@20250929', 'alias', 'anthropic/claude-sonnet-4.5'],
      ['claude-sonnet-4-5', 'alias', 'anthropic/claude-sonnet-4.5'],
      ['gemini/gemini-2.5-pro', 'alias', 'google/gemini-2.5-pro'],
      ['vertex_ai/gemini-2.5-flash', 'alias', 'google/gemini-2.5-flash'],
      ['gpt-4o-2024-08-06', 'alias', 'openai/gpt-4o'],
      ['azure/gpt-4.1-mini', 'alias', 'openai/gpt-4.1-mini'],
      ['deepseek/deepseek-chat:free', 'alias', 'deepseek/deepseek-chat'],
      ['anthropic/claude-3.7-sonnet:thinking', 'alias', 'anthropic/claude-3.7-sonnet'],
    ])('resolves %s (%s) to %s', (name, kind, id) => {
      expect(bundled.resolve(name)).toEqual({ kind, id });
    });

    it('does not take a model for another of the same name by a different maker', () => {
      expect(bundled.resolve('mistralai/gpt-4o')).toEqual({ kind: 'unknown' });
    });

    it('knows the models the 2025 table did not (claude-sonnet-4.6, claude-opus-4.7, gpt-5)', () => {
      expect(bundled.resolve('claude-sonnet-4-6')).toEqual({
        kind: 'alias',
        id: 'anthropic/claude-sonnet-4.6',
      });
      expect(bundled.resolve('anthropic/claude-opus-4.7')).toEqual({
        kind: 'exact',
        id: 'anthropic/claude-opus-4.7',
      });
      expect(bundled.resolve('gpt-5-2025-08-07')).toEqual({ kind: 'alias', id: 'openai/gpt-5' });
    });

    it('knows nothing of a model it has no entry for', () => {
      expect(bundled.resolve('anthropic/claude-opus-9.9')).toEqual({ kind: 'unknown' });
    });
  });

  describe('by a source’s match rules (genai-prices’ clauses)', () => {
    const identity = new ModelIdentity(['google/gemini-2.5-pro', 'google/gemini-2.5-pro-tts', 'acme/large'], {
      'google/gemini-2.5-pro': { and: [{ starts_with: 'gemini-2.5-pro' }, { regex: '^(?!.*-tts(?:$|-))' }] },
      'google/gemini-2.5-pro-tts': { starts_with: 'gemini-2.5-pro' },
      'acme/large': { or: [{ equals: 'acme-xl' }, { starts_with: 'gemini-2.5-pro-exp' }] },
    });

    it('takes a name its parts leave unknown to the first model whose rule matches', () => {
      expect(identity.resolve('gemini-2.5-pro-preview-06-05')).toEqual({
        kind: 'alias',
        id: 'google/gemini-2.5-pro',
        by: 'rule',
      });
      expect(identity.resolve('gemini-2.5-pro-preview-tts')).toEqual({
        kind: 'alias',
        id: 'google/gemini-2.5-pro-tts',
        by: 'rule',
      });
      expect(identity.resolve('google/acme-xl')).toEqual({ kind: 'unknown' });
      expect(identity.resolve('acme-xl')).toEqual({ kind: 'alias', id: 'acme/large', by: 'rule' });
    });

    it('calls rules of two makers matching one name ambiguous', () => {
      expect(identity.resolve('gemini-2.5-pro-exp-03-25')).toEqual({
        kind: 'ambiguous',
        candidates: ['acme/large', 'google/gemini-2.5-pro'],
        reason:
          '"gemini-2.5-pro-exp-03-25" could be acme/large or google/gemini-2.5-pro: name the vendor (vendor/model) to price it',
      });
      expect(identity.resolve('google/gemini-2.5-pro-exp-03-25')).toEqual({
        kind: 'alias',
        id: 'google/gemini-2.5-pro',
        by: 'rule',
      });
    });
  });

  describe('when a name fits two models', () => {
    it('never guesses: it says which, and how to choose', () => {
      const identity = new ModelIdentity(['acme/large', 'globex/large']);
      expect(identity.resolve('large')).toEqual({
        kind: 'ambiguous',
        candidates: ['acme/large', 'globex/large'],
        reason: '"large" could be acme/large or globex/large: name the vendor (vendor/model) to price it',
      });
      expect(identity.resolve('globex/large-2025-01-31')).toEqual({ kind: 'alias', id: 'globex/large' });
    });
  });
});
