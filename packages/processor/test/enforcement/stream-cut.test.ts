// A stream under a hard budget is cut where its budget stops, through the real @anthropic-ai/sdk and AI SDK clients
// (the openai SDK's case is in budget-guard.test.ts): the caller gets what was paid for, then StreamCutError.
import Anthropic from '@anthropic-ai/sdk';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import {
  startFakeAnthropic,
  startFakeOpenRouter,
  type FakeAnthropic,
  type FakeOpenRouter,
} from '@genops/fakes';
import {
  BudgetGuard,
  genopsMiddleware,
  instrumentAnthropic,
  StreamCutError,
  withGenOps,
} from '@genops/instrumentation';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdmissionServer, type AdmissionServer } from '../support/admission-server.js';
import { teamKey } from '../../src/budget/budget-scope.js';

let server: AdmissionServer;
let anthropic: FakeAnthropic;
let openrouter: FakeOpenRouter;
const MESSAGES = [{ role: 'user' as const, content: 'Summarise the quarterly report' }];

beforeAll(async () => {
  server = await startAdmissionServer();
  anthropic = await startFakeAnthropic();
  openrouter = await startFakeOpenRouter();
});
afterAll(async () => Promise.all([server.close(), anthropic.close(), openrouter.close()]));

/** A hard budget with room for the prompt and 100 output tokens of `model`, and less than a 101st to spare. */
async function hardBudgetFor100Tokens(team: string, model: string): Promise<void> {
  const guard = new BudgetGuard({ url: server.url });
  const at = (n: number) => guard.estimateChatCost({ model, messages: MESSAGES, max_tokens: n }).usd;
  const spare = (at(101) - at(100)) / 2;
  await server.budgets.put(team, { period: 'daily', limitUsd: at(100) + spare, enforcement: 'hard' });
}

describe('a stream cut at its hard budget', () => {
  it('through @anthropic-ai/sdk: the 100 tokens paid for, then StreamCutError', async () => {
    await hardBudgetFor100Tokens('claude-team', 'claude-sonnet-4-5-20250929');
    const client = instrumentAnthropic(
      new Anthropic({ baseURL: anthropic.baseURL, apiKey: 'k', maxRetries: 0 }),
      {
        budgetGuard: new BudgetGuard({ url: server.url, streamIncrementTokens: 20 }),
        env: {},
      },
    );
    const words: string[] = [];
    const error = await withGenOps({ team: 'claude-team' }, async () => {
      const stream = await client.messages.create({
        model: 'claude-sonnet-4-5-20250929',
        max_tokens: 200,
        messages: MESSAGES,
        stream: true,
      });
      for await (const event of stream)
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
          words.push(event.delta.text);
    }).catch((e: unknown) => e);
    expect(words).toHaveLength(100);
    expect(error).toBeInstanceOf(StreamCutError);
    expect((error as StreamCutError).outputTokens).toBe(100);
    expect((await server.budgets.status(teamKey('claude-team')))!.overshootUsd).toBe(0);
  });

  it('through the AI SDK middleware: the 100 tokens paid for, then StreamCutError from the stream', async () => {
    await hardBudgetFor100Tokens('sdk-team', 'deepseek/deepseek-chat');
    const provider = createOpenAICompatible({ name: 'openrouter', baseURL: openrouter.baseURL, apiKey: 'k' });
    const model = wrapLanguageModel({
      model: provider.chatModel('deepseek/deepseek-chat'),
      middleware: genopsMiddleware({
        budgetGuard: new BudgetGuard({ url: server.url, streamIncrementTokens: 20 }),
        env: {},
      }),
    });
    const words: string[] = [];
    const error = await withGenOps({ team: 'sdk-team' }, async () => {
      const result = streamText({ model, messages: MESSAGES, maxOutputTokens: 200, maxRetries: 0 });
      for await (const part of result.fullStream) if (part.type === 'text-delta') words.push(part.text);
    }).catch((e: unknown) => e);
    expect(words).toHaveLength(100);
    expect(error).toBeInstanceOf(StreamCutError);
  });
});

describe('the AI SDK middleware under a hard budget', () => {
  it('sends the model the cap its reservation pays for, generated and streamed', async () => {
    await server.budgets.put('capped-sdk', { period: 'daily', limitUsd: 10, enforcement: 'hard' });
    const provider = createOpenAICompatible({ name: 'openrouter', baseURL: openrouter.baseURL, apiKey: 'k' });
    const model = wrapLanguageModel({
      model: provider.chatModel('deepseek/deepseek-chat'),
      middleware: genopsMiddleware({
        budgetGuard: new BudgetGuard({ url: server.url, defaultMaxOutputTokens: 300 }),
        env: {},
      }),
    });
    const sent = () => openrouter.requests.at(-1)!.body.max_tokens;
    await withGenOps({ team: 'capped-sdk' }, () =>
      generateText({ model, messages: MESSAGES, maxRetries: 0 }),
    );
    expect(sent()).toBe(300);
    await withGenOps({ team: 'capped-sdk' }, () =>
      generateText({ model, messages: MESSAGES, maxOutputTokens: 40, maxRetries: 0 }),
    );
    expect(sent()).toBe(40);
    await withGenOps({ team: 'capped-sdk' }, async () => {
      const result = streamText({ model, messages: MESSAGES, maxRetries: 0 });
      for await (const part of result.fullStream) void part;
    });
    expect(sent()).toBe(300);
  });
});
