// BudgetGuard (in @genops/instrumentation) against a real processor HTTP server and the real openai SDK.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOpenRouter, type FakeOpenRouter } from '@genops/devstack';
import { BudgetExceededError, BudgetGuard, instrumentOpenAI, withGenOps } from '@genops/instrumentation';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BudgetService,
  createApp,
  listenApp,
  openLedger,
  ProcessorMetrics,
  type Listening,
} from '../src/index.js';

let server: Listening;
let url: string;
let fake: FakeOpenRouter;
let budgets: BudgetService;
const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const MESSAGES = [{ role: 'user' as const, content: 'Summarise the quarterly report' }];

beforeAll(async () => {
  const ledger = await openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-guard-')), 'l.db')}`);
  budgets = new BudgetService(ledger);
  const app = createApp({
    ledger,
    budgets,
    metrics: new ProcessorMetrics(),
    apiTokens: [],
    kafkaReady: async () => {},
  });
  server = await listenApp(app, '127.0.0.1', 0);
  url = server.url;
  fake = await startFakeOpenRouter();
  // deepseek-chat at 0.27/1.10 per 1M: 1000 output tokens alone are 0.0011 USD.
  await budgets.put('tight', { period: 'daily', limitUsd: 0.001, enforcement: 'hard' });
  await budgets.put('roomy', { period: 'daily', limitUsd: 100, enforcement: 'hard' });
});

afterAll(async () => {
  await fake?.close();
  await server?.close();
});

beforeEach(() => spans.reset());

function client(guard: BudgetGuard): OpenAI {
  return instrumentOpenAI(new OpenAI({ baseURL: fake.baseURL, apiKey: 'k', maxRetries: 0 }), {
    provider: 'openrouter',
    budgetGuard: guard,
    tracerProvider,
    env: {},
  });
}

describe('BudgetGuard', () => {
  describe('when the hard budget cannot take the call', () => {
    it('throws BudgetExceededError and no request reaches the LLM', async () => {
      const before = fake.requests.length;
      const openai = client(new BudgetGuard({ url }));
      const error = await withGenOps({ team: 'tight' }, () =>
        openai.chat.completions.create({
          model: 'deepseek/deepseek-chat',
          messages: MESSAGES,
          max_tokens: 1000,
        }),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BudgetExceededError);
      expect((error as BudgetExceededError).reasonCode).toBe('BUDGET_EXCEEDED');
      expect((error as BudgetExceededError).message).toContain('team tight, daily period');
      expect(fake.requests.length).toBe(before);
      const span = spans.getFinishedSpans()[0]!;
      expect(span.attributes['genops.budget.decision']).toBe('BLOCKED');
      expect(span.attributes['error.type']).toBe('BudgetExceededError');
    });
  });

  describe('when the budget has room', () => {
    it('reserves, calls, and puts the reservation id on the span', async () => {
      const completion = await withGenOps({ team: 'roomy' }, () =>
        client(new BudgetGuard({ url })).chat.completions.create({
          model: 'deepseek/deepseek-chat',
          messages: MESSAGES,
          max_tokens: 5,
        }),
      );
      expect(completion.choices[0]!.message.content).toBe('w0 w1 w2 w3 w4');
      await new Promise((r) => setTimeout(r, 20));
      const attrs = spans.getFinishedSpans()[0]!.attributes;
      expect(attrs['genops.budget.decision']).toBe('ALLOWED');
      expect(attrs['genops.budget.reservation_id']).toMatch(/^[0-9a-f-]{36}$/);
      // Reserved until the cost span settles it (through Kafka, not in this test): 30/4 → 8 prompt tokens + 5 out.
      expect((await budgets.status('roomy'))!.reservedUsd).toBe(0.00000766);
    });
  });

  describe('when the call fails', () => {
    it('releases the reservation', async () => {
      await budgets.put('failing', { period: 'daily', limitUsd: 100, enforcement: 'hard' });
      const openai = client(new BudgetGuard({ url }));
      await expect(
        withGenOps({ team: 'failing' }, () =>
          openai.chat.completions.create(
            { model: 'deepseek/deepseek-chat', messages: MESSAGES, max_tokens: 5 },
            { headers: { 'x-fake-status': '500' } },
          ),
        ),
      ).rejects.toBeInstanceOf(OpenAI.InternalServerError);
      await new Promise((r) => setTimeout(r, 100));
      expect((await budgets.status('failing'))!.reservedUsd).toBe(0);
    });
  });

  describe('when the processor is unreachable', () => {
    it('lets the call through by default (fail open)', async () => {
      const openai = client(new BudgetGuard({ url: 'http://127.0.0.1:1', timeoutMs: 500 }));
      const completion = await withGenOps({ team: 'tight' }, () =>
        openai.chat.completions.create({
          model: 'deepseek/deepseek-chat',
          messages: MESSAGES,
          max_tokens: 2,
        }),
      );
      expect(completion.choices[0]!.message.content).toBe('w0 w1');
    });

    it('blocks with failOpen: false, and no request reaches the LLM', async () => {
      const before = fake.requests.length;
      const openai = client(new BudgetGuard({ url: 'http://127.0.0.1:1', timeoutMs: 500, failOpen: false }));
      const error = await withGenOps({ team: 'tight' }, () =>
        openai.chat.completions.create({
          model: 'deepseek/deepseek-chat',
          messages: MESSAGES,
          max_tokens: 2,
        }),
      ).catch((e: unknown) => e);
      expect((error as BudgetExceededError).reasonCode).toBe('PROCESSOR_UNREACHABLE');
      expect(fake.requests.length).toBe(before);
    });
  });
});
