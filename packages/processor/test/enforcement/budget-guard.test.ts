// BudgetGuard (in @genops/instrumentation) against a real processor HTTP server and the real openai SDK.
import { createServer, type Server } from 'node:http';
import { startFakeOpenRouter, type FakeOpenRouter } from '@genops/fakes';
import {
  BudgetExceededError,
  BudgetGuard,
  CallBlockedError,
  GuardRejectedError,
  instrumentOpenAI,
  ProcessorUnavailableError,
  StreamCutError,
  withGenOps,
  withoutStreamCut,
} from '@genops/instrumentation';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { until } from '@genops/fakes';
import type { BudgetService } from '../../src/budget/budget-service.js';
import { startAdmissionServer, type AdmissionServer } from '../support/admission-server.js';
import { teamKey } from '../../src/budget/budget-scope.js';

let server: AdmissionServer;
let url: string;
let fake: FakeOpenRouter;
let budgets: BudgetService;
const spans = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
const MESSAGES = [{ role: 'user' as const, content: 'Summarise the quarterly report' }];

beforeAll(async () => {
  server = await startAdmissionServer();
  ({ url, budgets } = server);
  fake = await startFakeOpenRouter();
  // deepseek-chat at 0.28 / 0.42 per 1M (the bundled table): 280 nano-USD a prompt token, 420 an output token.
  // tight's 1,000 nano-USD do not pay for the prompt alone.
  await budgets.put('tight', { period: 'daily', limitUsd: 0.000001, enforcement: 'hard' });
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
      expect([(error as BudgetExceededError).code, (error as BudgetExceededError).retriable]).toEqual([
        'BUDGET_EXCEEDED',
        false,
      ]);
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
      await until(
        'the call’s span to end',
        () => spans.getFinishedSpans().length,
        (n) => n === 1,
      );
      const attrs = spans.getFinishedSpans()[0]!.attributes;
      expect(attrs['genops.budget.decision']).toBe('ALLOWED');
      expect(attrs['genops.budget.reservation_id']).toMatch(/^[0-9a-f-]{36}$/);
      // Reserved until the cost span settles it (through Kafka, not in this test). deepseek-chat has no tokenizer
      // here: the estimate (27 letters / 4.6 → 6, + 4 for the message + 3 for the reply = 13) with its margin
      // (× 1.25 → 17, + 16 = 33) prompt tokens × 0.28 + 5 out × 0.42 USD per 1M = 11.34 USD per 1M.
      expect((await budgets.status(teamKey('roomy')))!.reservedUsd).toBe(0.00001134);
    });

    it('counts an OpenAI model’s prompt with OpenAI’s tokenizer, not the estimate', async () => {
      await budgets.put('counted', { period: 'daily', limitUsd: 100, enforcement: 'hard' });
      await budgets.put('estimated', { period: 'daily', limitUsd: 100, enforcement: 'hard' });
      const call = (team: string, guard: BudgetGuard) =>
        withGenOps({ team }, () =>
          client(guard).chat.completions.create({
            model: 'openai/gpt-4o',
            messages: MESSAGES,
            max_tokens: 5,
          }),
        );
      await call('counted', new BudgetGuard({ url }));
      await call('estimated', new BudgetGuard({ url, tokenizers: false }));
      // o200k's chat count of MESSAGES is 13 tokens: 13 × 2.5 + 5 × 10 USD per 1M; the estimate with its margin 33.
      expect((await budgets.status(teamKey('counted')))!.reservedUsd).toBe(0.0000825);
      expect((await budgets.status(teamKey('estimated')))!.reservedUsd).toBe(0.0001325);
    });

    it('keeps the SDK’s .withResponse(), which waits for the admission', async () => {
      const openai = client(new BudgetGuard({ url }));
      const params = { model: 'deepseek/deepseek-chat', messages: MESSAGES, max_tokens: 3 };
      const { data, response } = await withGenOps({ team: 'roomy' }, () =>
        openai.chat.completions.create(params).withResponse(),
      );
      expect([data.choices[0]!.message.content, response.status]).toEqual(['w0 w1 w2', 200]);
      // Blocked: the extras reject with the budget's error, and no request is made.
      const before = fake.requests.length;
      const blocked = await withGenOps({ team: 'tight' }, () =>
        openai.chat.completions.create({ ...params, max_tokens: 1000 }).withResponse(),
      ).catch((e: unknown) => e);
      expect(blocked).toBeInstanceOf(BudgetExceededError);
      expect(fake.requests.length).toBe(before);
    });
  });

  describe('under a hard budget, a call is capped to what was admitted', () => {
    const deepseek = (maxTokens?: number) => ({
      model: 'deepseek/deepseek-chat',
      messages: MESSAGES,
      ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
    });
    const lastSent = () => fake.requests.at(-1)!.body as { max_tokens?: number };
    const capOnSpan = () => spans.getFinishedSpans().at(-1)!.attributes['genops.budget.output_cap'];
    // What the guard counts for the prompt (its estimate for MESSAGES), in nano-USD at deepseek-chat's input price.
    const promptNano = () =>
      280 * new BudgetGuard({ url }).promptTokens({ model: 'deepseek/deepseek-chat', messages: MESSAGES });

    it('sets the default cap on a request that had none, so the reservation bounds it', async () => {
      await withGenOps({ team: 'roomy' }, () =>
        client(new BudgetGuard({ url })).chat.completions.create(deepseek()),
      );
      expect(lastSent().max_tokens).toBe(1024);
      await until(
        'the span',
        () => capOnSpan(),
        (c) => c !== undefined,
      );
      expect(capOnSpan()).toBe(1024);
    });

    it('keeps the caller’s lower cap', async () => {
      await withGenOps({ team: 'roomy' }, () =>
        client(new BudgetGuard({ url })).chat.completions.create(deepseek(7)),
      );
      expect(lastSent().max_tokens).toBe(7);
    });

    it('caps the output at what the headroom pays for, and reserves exactly that', async () => {
      // Room for the prompt and 100 output tokens, and 200 nano-USD to spare (less than a 101st token).
      const limitNano = promptNano() + 100 * 420 + 200;
      await budgets.put('nearly', { period: 'daily', limitUsd: limitNano / 1e9, enforcement: 'hard' });
      await withGenOps({ team: 'nearly' }, () =>
        client(new BudgetGuard({ url })).chat.completions.create(deepseek(1000)),
      );
      expect(lastSent().max_tokens).toBe(100);
      expect((await budgets.status(teamKey('nearly')))!.reservedUsd).toBe((promptNano() + 100 * 420) / 1e9);
      await until(
        'the span',
        () => capOnSpan(),
        (c) => c !== undefined,
      );
      expect(capOnSpan()).toBe(100);
    });

    it('blocks with its own reason when what is left pays for fewer output tokens than the floor', async () => {
      const limitNano = promptNano() + 31 * 420 + 100;
      await budgets.put('scraps', { period: 'daily', limitUsd: limitNano / 1e9, enforcement: 'hard' });
      const before = fake.requests.length;
      const error = await withGenOps({ team: 'scraps' }, () =>
        client(new BudgetGuard({ url })).chat.completions.create(deepseek()),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BudgetExceededError);
      expect((error as BudgetExceededError).reasonCode).toBe('OUTPUT_FLOOR_UNAFFORDABLE');
      expect((error as BudgetExceededError).message).toContain('pays for 31 output tokens');
      expect(fake.requests.length).toBe(before);
      // A lower floor takes the 31 tokens.
      await withGenOps({ team: 'scraps' }, () =>
        client(new BudgetGuard({ url, outputFloorTokens: 16 })).chat.completions.create(deepseek()),
      );
      expect(lastSent().max_tokens).toBe(31);
    });

    it('leaves a soft budget’s calls as they are', async () => {
      await budgets.put('softie', { period: 'daily', limitUsd: 100, enforcement: 'soft' });
      await withGenOps({ team: 'softie' }, () =>
        client(new BudgetGuard({ url })).chat.completions.create(deepseek()),
      );
      expect(lastSent().max_tokens).toBeUndefined();
    });
  });

  describe('under a policy', () => {
    const deepseek = { model: 'deepseek/deepseek-chat', messages: MESSAGES };
    const lastSent = () => fake.requests.at(-1)!.body as { max_tokens?: number };
    // deepseek-chat: 280 nano-USD a prompt token, 420 an output token.
    const promptNano = () =>
      280 * new BudgetGuard({ url }).promptTokens({ model: 'deepseek/deepseek-chat', messages: MESSAGES });

    it('blocks a model it does not allow before the LLM is called, and not the team’s other models', async () => {
      await budgets.put('policed', {
        period: 'daily',
        limitUsd: 100,
        policy: { deniedModels: ['openai/*'] },
      });
      const guard = new BudgetGuard({ url });
      const before = fake.requests.length;
      const error = await withGenOps({ team: 'policed' }, () =>
        client(guard).chat.completions.create({ model: 'openai/gpt-4o', messages: MESSAGES }),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BudgetExceededError);
      expect((error as BudgetExceededError).reasonCode).toBe('MODEL_NOT_ALLOWED');
      expect(fake.requests.length).toBe(before);
      await withGenOps({ team: 'policed' }, () => client(guard).chat.completions.create(deepseek));
      expect(fake.requests.length).toBe(before + 1);
    });

    it('caps the output at its maxOutputTokens, under a soft budget too', async () => {
      await budgets.put('short', { period: 'daily', limitUsd: 100, policy: { maxOutputTokens: 64 } });
      const guard = new BudgetGuard({ url });
      // The first call learns the policy from the processor's answer and is capped by it already.
      await withGenOps({ team: 'short' }, () => client(guard).chat.completions.create(deepseek));
      expect(lastSent().max_tokens).toBe(64);
      // From then on the guard caps before reserving; a caller's lower cap still wins.
      await withGenOps({ team: 'short' }, () =>
        client(guard).chat.completions.create({ ...deepseek, max_tokens: 10 }),
      );
      expect(lastSent().max_tokens).toBe(10);
    });

    it('caps the output at what maxCallCostUsd pays for, and blocks under the floor', async () => {
      // The prompt and 100 output tokens, and 200 nano-USD to spare.
      const maxCallCostUsd = (promptNano() + 100 * 420 + 200) / 1e9;
      await budgets.put('frugal', {
        period: 'daily',
        limitUsd: 100,
        enforcement: 'hard',
        policy: { maxCallCostUsd },
      });
      await withGenOps({ team: 'frugal' }, () =>
        client(new BudgetGuard({ url })).chat.completions.create(deepseek),
      );
      expect(lastSent().max_tokens).toBe(100);
      expect((await budgets.status(teamKey('frugal')))!.reservedUsd).toBe((promptNano() + 100 * 420) / 1e9);
      await budgets.put('stingy', {
        period: 'daily',
        limitUsd: 100,
        policy: { maxCallCostUsd: (promptNano() + 20 * 420) / 1e9 },
      });
      const before = fake.requests.length;
      const error = await withGenOps({ team: 'stingy' }, () =>
        client(new BudgetGuard({ url })).chat.completions.create(deepseek),
      ).catch((e: unknown) => e);
      expect((error as BudgetExceededError).reasonCode).toBe('CALL_TOO_EXPENSIVE');
      expect((error as BudgetExceededError).message).toContain('leaves 20 output tokens');
      expect(fake.requests.length).toBe(before);
    });
  });

  describe('under a hard budget, a stream is held to its reservation as it runs', () => {
    // Room for the prompt and 100 output tokens (10 nano-USD to spare); the stream reserves 20 at a time.
    async function streamingTeam(team: string): Promise<number> {
      const prompt =
        280 * new BudgetGuard({ url }).promptTokens({ model: 'deepseek/deepseek-chat', messages: MESSAGES });
      await budgets.put(team, {
        period: 'daily',
        limitUsd: (prompt + 100 * 420 + 10) / 1e9,
        enforcement: 'hard',
      });
      return prompt;
    }
    const stream = (openai: OpenAI) =>
      openai.chat.completions.create({
        model: 'deepseek/deepseek-chat',
        messages: MESSAGES,
        max_tokens: 200,
        stream: true,
      });

    it('extends it as output arrives, and cuts the stream when the budget refuses more', async () => {
      const prompt = await streamingTeam('streamer');
      const words: string[] = [];
      const error = await withGenOps({ team: 'streamer' }, async () => {
        const chunks = await stream(client(new BudgetGuard({ url, streamIncrementTokens: 20 })));
        for await (const chunk of chunks)
          if (chunk.choices[0]?.delta.content) words.push(chunk.choices[0].delta.content);
      }).catch((e: unknown) => e);
      // The caller got the 100 tokens the budget paid for, then the error.
      expect(words).toHaveLength(100);
      expect(error).toBeInstanceOf(StreamCutError);
      expect(error).toBeInstanceOf(BudgetExceededError);
      expect([(error as StreamCutError).reasonCode, (error as StreamCutError).outputTokens]).toEqual([
        'STREAM_BUDGET_EXCEEDED',
        100,
      ]);
      // Reserved: the prompt and five increments of 20 — never past the limit.
      expect((await budgets.status(teamKey('streamer')))!.reservedUsd).toBe((prompt + 100 * 420) / 1e9);
      await until('the span', () => spans.getFinishedSpans().at(-1)?.attributes['error.type'], Boolean);
      const span = spans.getFinishedSpans().at(-1)!.attributes;
      // Recorded as consumed: the guard's prompt count and the 101 tokens that arrived (the last one was cut).
      expect([span['error.type'], span['genops.tokens.output'], span['genops.cost.source']]).toEqual([
        'StreamCutError',
        101,
        'estimated',
      ]);
    });

    it('never reserves past the request’s cap', async () => {
      const prompt = await streamingTeam('capped');
      await withGenOps({ team: 'capped' }, async () => {
        const chunks = await client(
          new BudgetGuard({ url, streamIncrementTokens: 20 }),
        ).chat.completions.create({
          model: 'deepseek/deepseek-chat',
          messages: MESSAGES,
          max_tokens: 30,
          stream: true,
        });
        for await (const chunk of chunks) void chunk;
      });
      // 20, then the last 10 up to the cap of 30.
      expect((await budgets.status(teamKey('capped')))!.reservedUsd).toBe((prompt + 30 * 420) / 1e9);
    });

    it('lets a call opt out: withoutStreamCut runs the stream to its end past a refused extension', async () => {
      await streamingTeam('runner');
      const words: string[] = [];
      await withGenOps({ team: 'runner' }, () =>
        withoutStreamCut(async () => {
          const chunks = await stream(client(new BudgetGuard({ url, streamIncrementTokens: 20 })));
          for await (const chunk of chunks)
            if (chunk.choices[0]?.delta.content) words.push(chunk.choices[0].delta.content);
        }),
      );
      expect(words).toHaveLength(200);
    });
  });

  describe('when the caller takes the raw response', () => {
    it('keeps the SDK’s .asResponse(): the body comes unread, after the admission', async () => {
      const openai = client(new BudgetGuard({ url }));
      const params = { model: 'deepseek/deepseek-chat', messages: MESSAGES, max_tokens: 3 };
      const response = await withGenOps({ team: 'roomy' }, () =>
        openai.chat.completions.create(params).asResponse(),
      );
      expect(response.bodyUsed).toBe(false);
      const body = (await response.json()) as { choices: { message: { content: string } }[] };
      expect(body.choices[0]!.message.content).toBe('w0 w1 w2');
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
      // The guard releases in the background once the call has failed.
      await until(
        'the reservation to be released',
        async () => (await budgets.status(teamKey('failing')))!.reservedUsd,
        (r) => r === 0,
      );
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
      // The processor is down and the guard fails closed: worth trying again once it is back.
      expect(error).toBeInstanceOf(ProcessorUnavailableError);
      expect([
        (error as ProcessorUnavailableError).code,
        (error as ProcessorUnavailableError).retriable,
      ]).toEqual(['PROCESSOR_UNAVAILABLE', true]);
      expect((error as ProcessorUnavailableError).reasonCode).toBe('PROCESSOR_UNREACHABLE');
      expect(fake.requests.length).toBe(before);
    });
  });

  describe('when the processor answers but refuses', () => {
    let secured: AdmissionServer;
    const logged: string[] = [];
    beforeAll(async () => {
      secured = await startAdmissionServer(['the-right-token']);
      const logger: DiagLogger = {
        error: (...args: unknown[]) => logged.push(args.join(' ')),
        warn: () => {},
        info: () => {},
        debug: () => {},
        verbose: () => {},
      };
      diag.setLogger(logger, DiagLogLevel.ERROR);
    });
    afterAll(async () => {
      diag.disable();
      await secured.close();
    });

    it('blocks (fail closed, even with failOpen) when the token is rejected, naming the cause and logging once', async () => {
      const before = fake.requests.length;
      const openai = client(new BudgetGuard({ url: secured.url, token: 'stale-token' }));
      const call = () =>
        withGenOps({ team: 'roomy' }, () =>
          openai.chat.completions.create({
            model: 'deepseek/deepseek-chat',
            messages: MESSAGES,
            max_tokens: 2,
          }),
        ).catch((e: unknown) => e as GuardRejectedError);
      const [first, second] = [await call(), await call()];
      for (const error of [first, second] as GuardRejectedError[]) {
        // A misconfigured guard, not an exhausted budget: its own class and code, not worth retrying.
        expect(error).toBeInstanceOf(GuardRejectedError);
        expect(error).not.toBeInstanceOf(BudgetExceededError);
        expect([error.code, error.retriable, error instanceof CallBlockedError]).toEqual([
          'GUARD_REJECTED',
          false,
          true,
        ]);
        expect(error.reasonCode).toBe('PROCESSOR_REJECTED_TOKEN');
        expect(error.reason).toBe(
          `processor at ${secured.url} rejected the token (HTTP 401): set GENOPS_TOKEN or the token option to a token it accepts`,
        );
      }
      expect(fake.requests.length).toBe(before);
      expect(logged.filter((m) => m.includes('rejected the token'))).toHaveLength(1);
    });

    it('blocks when the processor rejects the request (4xx), with its message', async () => {
      const guard = new BudgetGuard({ url: secured.url, token: 'the-right-token' });
      const error = (await guard
        .admit({ team: 'roomy', model: 'm', estimatedCostUsd: -1 })
        .catch((e: unknown) => e)) as GuardRejectedError;
      expect(error).toBeInstanceOf(GuardRejectedError);
      expect(error.reasonCode).toBe('PROCESSOR_REJECTED_REQUEST');
      expect(error.reason).toContain('rejected the reservation (HTTP 400)');
      expect(error.reason).toContain('estimatedCostUsd');
      guard.close();
    });
  });

  describe('when the processor fails (5xx) or does not answer in time', () => {
    let broken: Server;
    let brokenUrl: string;
    beforeAll(async () => {
      broken = createServer((req, res) => {
        if (req.url?.includes('hang')) return; // never answers
        res.writeHead(503).end('{"error":{"code":"UNAVAILABLE","message":"ledger down"}}');
      });
      await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
      brokenUrl = `http://127.0.0.1:${(broken.address() as { port: number }).port}`;
    });
    afterAll(() => {
      broken.closeAllConnections();
      broken.close();
    });

    it('treats them as unreachable: through when failing open, blocked when failing closed', async () => {
      const open = new BudgetGuard({ url: brokenUrl });
      expect(await open.admit({ team: 't', model: 'm', estimatedCostUsd: 0.01 })).toEqual({
        decision: 'ALLOWED',
        reasonCode: 'PROCESSOR_UNREACHABLE',
      });
      const closed = new BudgetGuard({ url: brokenUrl, failOpen: false });
      const error = (await closed
        .admit({ team: 't', model: 'm', estimatedCostUsd: 0.01 })
        .catch((e: unknown) => e)) as BudgetExceededError;
      expect(error.reasonCode).toBe('PROCESSOR_UNREACHABLE');
      expect(error.reason).toContain('HTTP 503');
      const slow = new BudgetGuard({ url: `${brokenUrl}/hang`, timeoutMs: 200, failOpen: false });
      const timedOut = (await slow
        .admit({ team: 't', model: 'm', estimatedCostUsd: 0.01 })
        .catch((e: unknown) => e)) as BudgetExceededError;
      expect(timedOut.reason).toBe(`processor at ${brokenUrl}/hang unreachable: no answer within 200 ms`);
      for (const g of [open, closed, slow]) g.close();
    });
  });

  describe('when the model has no price in the catalog', () => {
    it('reserves the configured fallback, never zero, and says so in the reason', async () => {
      const guard = new BudgetGuard({ url, unknownModelEstimateUsd: 0.25 });
      const estimate = guard.estimateChatCost({
        model: 'acme/unpriced-1',
        messages: MESSAGES,
        max_tokens: 5,
      });
      expect(estimate).toEqual({
        usd: 0.25,
        basis: 'no price for model acme/unpriced-1 in the catalog: reserved unknownModelEstimateUsd 0.25 USD',
      });
      await budgets.put('unpriced', { period: 'daily', limitUsd: 0.3, enforcement: 'hard' });
      const admitted = await guard.admit({
        team: 'unpriced',
        model: 'acme/unpriced-1',
        estimatedCostUsd: estimate.usd,
        estimateBasis: estimate.basis!,
      });
      expect(admitted.decision).toBe('WARNING');
      expect((await budgets.status(teamKey('unpriced')))!.reservedUsd).toBe(0.25);
      const blocked = (await guard
        .admit({
          team: 'unpriced',
          model: 'acme/unpriced-1',
          estimatedCostUsd: estimate.usd,
          estimateBasis: estimate.basis!,
        })
        .catch((e: unknown) => e)) as BudgetExceededError;
      expect(blocked.reason).toMatch(
        /spent 0 \+ reserved 0.25 \+ estimate 0.25 = 0.5 USD against a limit of 0.3 USD; estimate: no price for model acme\/unpriced-1 in the catalog: reserved unknownModelEstimateUsd 0.25 USD$/,
      );
      expect(
        new BudgetGuard({ url }).estimateChatCost({ model: 'acme/unpriced-1', messages: MESSAGES }).usd,
      ).toBe(0.1);
      guard.close();
    });
  });
});
