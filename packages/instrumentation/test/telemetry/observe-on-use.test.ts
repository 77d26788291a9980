// The SDKs' promise extras with the real openai and @anthropic-ai/sdk clients against the fakes: `.asResponse()` hands
// over a body nobody has read, and the call is recorded all the same; a promise nobody awaits is recorded too.
import Anthropic from '@anthropic-ai/sdk';
import {
  startFakeAnthropic,
  startFakeOpenRouter,
  until,
  type FakeAnthropic,
  type FakeOpenRouter,
} from '@genops/fakes';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { instrumentAnthropic } from '../../src/anthropic/instrument-anthropic.js';
import { instrumentOpenAI } from '../../src/openai/instrument-openai.js';
import { createTestTelemetry } from '../support/telemetry.js';

const telemetry = createTestTelemetry();
const options = { tracerProvider: telemetry.tracerProvider, meterProvider: telemetry.meterProvider, env: {} };
let openrouter: FakeOpenRouter;
let anthropic: FakeAnthropic;

beforeAll(async () => {
  openrouter = await startFakeOpenRouter({ providers: { 'deepseek/deepseek-chat': ['DeepInfra'] } });
  anthropic = await startFakeAnthropic();
});
afterAll(async () => Promise.all([openrouter.close(), anthropic.close()]));
beforeEach(() => telemetry.reset());

const openai = () =>
  instrumentOpenAI(new OpenAI({ baseURL: openrouter.baseURL, apiKey: 'k', maxRetries: 0 }), {
    ...options,
    provider: 'openrouter',
  });
const claude = () =>
  instrumentAnthropic(new Anthropic({ baseURL: anthropic.baseURL, apiKey: 'k', maxRetries: 0 }), options);

const MESSAGES = [{ role: 'user' as const, content: 'Summarise the quarterly report' }]; // 30 prompt tokens

async function onlySpan() {
  await until(
    'the span',
    () => telemetry.spans().length,
    (n) => n === 1,
  );
  return telemetry.spans()[0]!.attributes;
}

describe('an instrumented call taken .asResponse()', () => {
  it('hands over the raw JSON body unread, and records the call from a copy (openai)', async () => {
    const response = await openai()
      .chat.completions.create({ model: 'deepseek/deepseek-chat', messages: MESSAGES, max_tokens: 3 })
      .asResponse();
    expect(response.bodyUsed).toBe(false);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]!.message.content).toBe('w0 w1 w2');
    const span = await onlySpan();
    expect([span['genops.tokens.input'], span['genops.tokens.output'], span['genops.cost.source']]).toEqual([
      30,
      3,
      'reported',
    ]);
    expect(span['genops.openrouter.actual_provider']).toBe('DeepInfra');
  });

  it('hands over the raw event stream, and records the usage of its last chunk (openai)', async () => {
    const response = await openai()
      .chat.completions.create({
        model: 'deepseek/deepseek-chat',
        messages: MESSAGES,
        max_tokens: 4,
        stream: true,
      })
      .asResponse();
    const text = await response.text();
    expect(
      text
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .at(-1),
    ).toBe('data: [DONE]');
    const span = await onlySpan();
    expect([span['genops.tokens.input'], span['genops.tokens.output']]).toEqual([30, 4]);
  });

  it('hands over the raw message, and records the call from a copy (Anthropic)', async () => {
    const response = await claude()
      .messages.create({ model: 'claude-sonnet-4-5-20250929', messages: MESSAGES, max_tokens: 5 })
      .asResponse();
    const body = (await response.json()) as { usage: { input_tokens: number; output_tokens: number } };
    expect([body.usage.input_tokens, body.usage.output_tokens]).toEqual([30, 5]);
    const span = await onlySpan();
    expect([span['genops.tokens.input'], span['genops.tokens.output'], span['genops.model']]).toEqual([
      30,
      5,
      'claude-sonnet-4-5-20250929',
    ]);
  });
});

describe('an instrumented call nobody awaits', () => {
  it('is recorded once its response arrives, and still gives its result when awaited later', async () => {
    const pending = openai().chat.completions.create({
      model: 'deepseek/deepseek-chat',
      messages: MESSAGES,
      max_tokens: 2,
    });
    const span = await onlySpan();
    expect(span['genops.tokens.output']).toBe(2);
    const completion = await pending;
    expect(completion.choices[0]!.message.content).toBe('w0 w1');
    expect(telemetry.spans()).toHaveLength(1);
  });
});
