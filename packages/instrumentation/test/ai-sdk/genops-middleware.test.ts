// genopsMiddleware with the real Vercel AI SDK (`ai`) and its OpenAI-compatible provider against the fake OpenRouter.
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import {
  startFakeAnthropic,
  startFakeOpenRouter,
  type FakeAnthropic,
  type FakeOpenRouter,
} from '@genops/fakes';
import { generateObject, generateText, jsonSchema, streamText, wrapLanguageModel } from 'ai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BudgetExceededError } from '../../src/errors.js';
import { BudgetGuard } from '../../src/budget/budget-guard.js';
import { genopsMiddleware } from '../../src/ai-sdk/genops-middleware.js';
import { withGenOps } from '../../src/context.js';
import { until } from '@genops/fakes';
import { createTestTelemetry } from '../support/telemetry.js';

const telemetry = createTestTelemetry();
let fake: FakeOpenRouter;

beforeAll(async () => {
  fake = await startFakeOpenRouter({ providers: { 'deepseek/deepseek-chat': ['DeepInfra'] } });
});
afterAll(async () => fake.close());
beforeEach(() => telemetry.reset());

function model(options: Parameters<typeof genopsMiddleware>[0] = {}, includeUsage = true) {
  // includeUsage: the provider asks for usage on streams (stream_options.include_usage), as OpenRouter needs.
  const openrouter = createOpenAICompatible({
    name: 'openrouter',
    baseURL: fake.baseURL,
    apiKey: 'k',
    includeUsage,
  });
  return wrapLanguageModel({
    model: openrouter('deepseek/deepseek-chat'),
    middleware: genopsMiddleware({
      tracerProvider: telemetry.tracerProvider,
      meterProvider: telemetry.meterProvider,
      env: {},
      ...options,
    }),
  });
}

// 'Summarise the quarterly report' is 30 prompt tokens at the fake (one a character); 20 completion tokens; the
// fake reports cost at 0.30 / 1.20 USD per 1M: 30 × 0.3 + 20 × 1.2 = 33 per 1M.
const PROMPT = 'Summarise the quarterly report';

describe('genopsMiddleware (Vercel AI SDK)', () => {
  it('gives generateText one span with the provider-reported cost, served provider, tokens and team', async () => {
    const result = await withGenOps({ team: 'search', project: 'ranker' }, () =>
      generateText({ model: model(), prompt: PROMPT, maxOutputTokens: 20, maxRetries: 0 }),
    );
    expect(result.text).toBe(Array.from({ length: 20 }, (_, i) => `w${i}`).join(' '));
    await until('the spans', () => telemetry.spans().length === 1, Boolean);
    const a = telemetry.spans()[0]!.attributes;
    expect(telemetry.spans()[0]!.name).toBe('chat deepseek/deepseek-chat');
    expect(a['genops.cost.total']).toBe(0.000033);
    expect(a['genops.cost.source']).toBe('reported');
    expect(a['genops.openrouter.actual_provider']).toBe('DeepInfra');
    expect(a['gen_ai.provider.name']).toBe('openrouter');
    expect(a['gen_ai.usage.input_tokens']).toBe(30);
    expect(a['gen_ai.usage.output_tokens']).toBe(20);
    expect(a['genops.team']).toBe('search');
    expect(a['genops.project']).toBe('ranker');
  });

  it('gives streamText one span once the stream is read, with the usage from its finish part', async () => {
    const result = streamText({ model: model(), prompt: PROMPT, maxOutputTokens: 5, maxRetries: 0 });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe('w0 w1 w2 w3 w4');
    await until('the spans', () => telemetry.spans().length === 1, Boolean);
    const a = telemetry.spans()[0]!.attributes;
    expect(a['gen_ai.usage.input_tokens']).toBe(30);
    expect(a['gen_ai.usage.output_tokens']).toBe(5);
    // No provider cost in the stream's parts: priced from the catalog (deepseek-chat 0.28 / 0.42 USD per 1M):
    // 30 × 0.28 + 5 × 0.42 = 10.5 per 1M.
    expect(a['genops.cost.total']).toBe(0.0000105);
    expect(a['genops.cost.source']).toBe('estimated');
  });

  it('counts a stream whose provider reports no usage, rather than recording it as free', async () => {
    const result = streamText({ model: model({}, false), prompt: PROMPT, maxOutputTokens: 5, maxRetries: 0 });
    for await (const delta of result.textStream) void delta;
    await until('the spans', () => telemetry.spans().length === 1, Boolean);
    const a = telemetry.spans()[0]!.attributes;
    // The prompt as estimated (27 letters at 4.6 a token → 6, and the chat format’s 7: 13 tokens),
    // the five words that arrived: 13 × 0.28 + 5 × 0.42 = 5.74 per 1M.
    expect(a['gen_ai.usage.input_tokens']).toBe(13);
    expect(a['gen_ai.usage.output_tokens']).toBe(5);
    expect(a['genops.cost.total']).toBe(0.00000574);
  });

  it('gives generateObject one span too', async () => {
    const { object } = await generateObject({
      model: model(),
      schema: jsonSchema<{ answer: string }>({
        type: 'object',
        properties: { answer: { type: 'string' } },
        required: ['answer'],
      }),
      prompt: PROMPT,
      maxOutputTokens: 3,
      maxRetries: 0,
    });
    expect(object).toEqual({ answer: 'w0 w1 w2' });
    await until('the spans', () => telemetry.spans().length === 1, Boolean);
    expect(telemetry.spans()[0]!.attributes['genops.cost.source']).toBe('reported');
  });

  it('works over @ai-sdk/openai (chat API) against the same OpenRouter-compatible endpoint', async () => {
    const openai = createOpenAI({ baseURL: fake.baseURL, apiKey: 'k' });
    const model = wrapLanguageModel({
      model: openai.chat('deepseek/deepseek-chat'),
      middleware: genopsMiddleware({
        tracerProvider: telemetry.tracerProvider,
        meterProvider: telemetry.meterProvider,
        env: {},
      }),
    });
    await generateText({ model, prompt: PROMPT, maxOutputTokens: 20, maxRetries: 0 });
    await until('the spans', () => telemetry.spans().length === 1, Boolean);
    const a = telemetry.spans()[0]!.attributes;
    expect(a['gen_ai.provider.name']).toBe('openai');
    expect([a['gen_ai.usage.input_tokens'], a['gen_ai.usage.output_tokens']]).toEqual([30, 20]);
    // The OpenAI provider also hands the middleware the raw body: OpenRouter's reported cost wins.
    expect(a['genops.cost.total']).toBe(0.000033);
    expect(a['genops.cost.source']).toBe('reported');
  });

  it('works over @ai-sdk/anthropic, pricing Anthropic’s dated model ids under the catalog’s', async () => {
    const fakeAnthropic: FakeAnthropic = await startFakeAnthropic();
    try {
      const anthropic = createAnthropic({ baseURL: `${fakeAnthropic.baseURL}/v1`, apiKey: 'k' });
      const model = wrapLanguageModel({
        model: anthropic('claude-sonnet-4-5-20250929'),
        middleware: genopsMiddleware({
          tracerProvider: telemetry.tracerProvider,
          meterProvider: telemetry.meterProvider,
          env: {},
        }),
      });
      await generateText({ model, prompt: PROMPT, maxOutputTokens: 40, maxRetries: 0 });
      await until('the spans', () => telemetry.spans().length === 1, Boolean);
      const a = telemetry.spans()[0]!.attributes;
      expect(a['gen_ai.provider.name']).toBe('anthropic');
      expect([a['gen_ai.usage.input_tokens'], a['gen_ai.usage.output_tokens']]).toEqual([30, 40]);
      // anthropic/claude-sonnet-4.5: 30 × 3 + 40 × 15 = 690 USD·tokens per 1M
      expect(a['genops.cost.total']).toBe(0.00069);
      expect(a['genops.cost.source']).toBe('estimated');
    } finally {
      await fakeAnthropic.close();
    }
  });

  it('lets BudgetGuard block before the model is called', async () => {
    const processor = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ decision: 'BLOCKED', reasonCode: 'HARD_LIMIT', reason: 'spent 5 of 5 USD' }));
    });
    await new Promise<void>((r) => processor.listen(0, '127.0.0.1', r));
    const guard = new BudgetGuard({ url: `http://127.0.0.1:${(processor.address() as AddressInfo).port}` });
    const before = fake.requests.length;
    try {
      const error = await withGenOps({ team: 'growth' }, () =>
        generateText({
          model: model({ budgetGuard: guard }),
          prompt: PROMPT,
          maxOutputTokens: 5,
          maxRetries: 0,
        }),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BudgetExceededError);
      expect(fake.requests.length).toBe(before);
      await until('the spans', () => telemetry.spans().length === 1, Boolean);
      expect(telemetry.spans()[0]!.attributes['genops.budget.decision']).toBe('BLOCKED');
    } finally {
      guard.close();
      processor.close();
    }
  });
});
