import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { startFakeOpenRouter, type FakeOpenRouter } from '@genops/fakes';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { instrumentOpenAI, semconv as A, withGenOps } from '../../src/index.js';
import { BUNDLED_PRICES } from '@genops/pricing';
import { until } from '@genops/fakes';
import { createTestTelemetry } from '../support/telemetry.js';

const telemetry = createTestTelemetry();
let fake: FakeOpenRouter;

/** An instrumented client on a fake OpenRouter of its own (providers down, routing), closed afterwards. */
async function withFake(
  options: Parameters<typeof startFakeOpenRouter>[0],
  run: (openai: OpenAI) => Promise<void>,
): Promise<void> {
  const fake = await startFakeOpenRouter(options);
  try {
    const raw = new OpenAI({ baseURL: fake.baseURL, apiKey: 'k', maxRetries: 0 });
    await run(
      instrumentOpenAI(raw, {
        provider: 'openrouter',
        tracerProvider: telemetry.tracerProvider,
        meterProvider: telemetry.meterProvider,
      }),
    );
  } finally {
    await fake.close();
  }
}

function client(options: Parameters<typeof instrumentOpenAI>[1] = {}): OpenAI {
  const raw = new OpenAI({ baseURL: fake.baseURL, apiKey: 'test-key', maxRetries: 0 });
  return instrumentOpenAI(raw, {
    provider: 'openrouter',
    tracerProvider: telemetry.tracerProvider,
    meterProvider: telemetry.meterProvider,
    env: {},
    ...options,
  });
}

const MESSAGES = [{ role: 'user' as const, content: 'Summarise the quarterly report' }]; // 30 prompt tokens

beforeAll(async () => {
  fake = await startFakeOpenRouter({ providers: { 'deepseek/deepseek-chat': ['DeepInfra', 'Together'] } });
});
afterAll(async () => fake.close());
beforeEach(() => telemetry.reset());

describe('instrumentOpenAI', () => {
  describe('when a non-streaming call succeeds', () => {
    it('emits exactly one CLIENT span with the served provider, reported cost, tokens and team', async () => {
      const openai = client({ defaults: { environment: 'test' } });
      const completion = await withGenOps({ team: 'search', project: 'ranker', customerId: 'c-42' }, () =>
        openai.chat.completions.create({
          model: 'deepseek/deepseek-chat',
          messages: MESSAGES,
          max_tokens: 40,
        }),
      );
      expect(completion.choices[0]?.message.content?.split(' ')).toHaveLength(40);
      await until('the spans', () => telemetry.spans().length === 1, Boolean);
      const [span] = telemetry.spans();
      expect(span!.name).toBe('chat deepseek/deepseek-chat');
      expect(span!.kind).toBe(SpanKind.CLIENT);
      expect(span!.status.code).toBe(SpanStatusCode.UNSET);
      expect(span!.attributes).toEqual({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openrouter',
        'gen_ai.request.model': 'deepseek/deepseek-chat',
        'gen_ai.request.max_tokens': 40,
        'gen_ai.response.model': 'deepseek/deepseek-chat',
        'gen_ai.response.id': completion.id,
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 30,
        'gen_ai.usage.output_tokens': 40,
        'server.address': '127.0.0.1',
        'genops.provider': 'openrouter',
        'genops.model': 'deepseek/deepseek-chat',
        'genops.team': 'search',
        'genops.project': 'ranker',
        'genops.customer_id': 'c-42',
        'genops.environment': 'test',
        'genops.openrouter.actual_provider': 'DeepInfra',
        'genops.openrouter.fallback_used': false,
        'genops.openrouter.generation_id': completion.id,
        'genops.tokens.input': 30,
        'genops.tokens.output': 40,
        'genops.tokens.total': 70,
        'genops.cost.total': 0.000057,
        'genops.cost.currency': 'USD',
        'genops.cost.source': 'reported',
        'genops.cost.estimated': 0.0000252,
        'gen_ai.usage.cost.amount': 0.000057,
        'gen_ai.usage.cost.currency': 'USD',
        'gen_ai.usage.cost.source': 'provider',
        'genops.price_catalog.version': BUNDLED_PRICES.version,
      });
    });

    it('records the six metrics with only the bounded attribute set', async () => {
      const openai = client();
      await withGenOps({ team: 'metrics-team', customerId: 'never-on-a-metric', userId: 'u-1' }, () =>
        openai.chat.completions.create({
          model: 'deepseek/deepseek-chat',
          messages: MESSAGES,
          max_tokens: 40,
        }),
      );
      await until('the spans', () => telemetry.spans().length === 1, Boolean);
      const all = await telemetry.metrics();
      expect([...all.keys()].sort()).toEqual([
        'gen_ai.client.operation.duration',
        'gen_ai.client.token.usage',
        'genops.cost',
        'genops.request.duration',
        'genops.requests',
        'genops.tokens',
      ]);
      const allowed = new Set<string>(A.METRIC_ATTRIBUTE_KEYS);
      for (const { points } of all.values()) {
        for (const point of points) {
          for (const key of Object.keys(point.attributes)) expect(allowed.has(key), key).toBe(true);
        }
      }
      const mine = (name: string) =>
        all.get(name)!.points.filter((p) => p.attributes['genops.team'] === 'metrics-team');
      const base = {
        'genops.team': 'metrics-team',
        'genops.provider': 'openrouter',
        'genops.model': 'deepseek/deepseek-chat',
        'genops.openrouter.actual_provider': 'DeepInfra',
        'genops.openrouter.fallback_used': false,
        'genops.status': 'ok',
      };
      expect(mine('genops.requests')).toEqual([{ attributes: base, value: 1 }]);
      expect(mine('genops.cost')).toEqual([{ attributes: base, value: 0.000057 }]);
      expect(mine('genops.tokens').map((p) => [p.attributes['genops.token.type'], p.value])).toEqual([
        ['input', 30],
        ['output', 40],
      ]);
      expect(mine('genops.request.duration')[0]!.count).toBe(1);
      expect(
        mine('gen_ai.client.token.usage').map((p) => [p.attributes['gen_ai.token.type'], p.value]),
      ).toEqual([
        ['input', 30],
        ['output', 40],
      ]);
      expect(mine('gen_ai.client.token.usage')[0]!.boundaries).toEqual([...A.TOKEN_USAGE_BUCKETS]);
      expect(mine('gen_ai.client.operation.duration')[0]!.boundaries).toEqual([
        ...A.OPERATION_DURATION_BUCKETS,
      ]);
    });
  });

  describe('when the call streams', () => {
    it('hands the caller exactly the chunks an uninstrumented client gets, and records usage from the final chunk', async () => {
      const params = {
        model: 'deepseek/deepseek-chat',
        messages: MESSAGES,
        max_tokens: 5,
        stream: true as const,
      };
      const raw = new OpenAI({ baseURL: fake.baseURL, apiKey: 'k', maxRetries: 0 });
      const strip = (c: { id: string; created: number }) => ({ ...c, id: 'x', created: 0 });
      const expected = [];
      for await (const chunk of await raw.chat.completions.create(params)) expected.push(strip(chunk));
      const got = [];
      const stream = await withGenOps({ team: 'stream-team' }, () =>
        client().chat.completions.create(params),
      );
      for await (const chunk of stream) got.push(strip(chunk));
      expect(got).toEqual(expected);
      expect(got).toHaveLength(7);
      expect(fake.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });

      await until('the spans', () => telemetry.spans().length === 1, Boolean);
      const attrs = telemetry.spans()[0]!.attributes;
      expect(attrs['genops.team']).toBe('stream-team');
      expect(attrs['genops.tokens.input']).toBe(30);
      expect(attrs['genops.tokens.output']).toBe(5);
      expect(attrs['genops.cost.total']).toBe(0.000015); // 30 × 0.30 + 5 × 1.20 per 1M
      expect(attrs['genops.cost.source']).toBe('reported');
      expect(attrs['genops.openrouter.actual_provider']).toBe('DeepInfra');
    });

    it('passes the usage chunk through when the caller asked for it', async () => {
      const stream = await client().chat.completions.create({
        model: 'deepseek/deepseek-chat',
        messages: MESSAGES,
        max_tokens: 2,
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 30, completion_tokens: 2 });
      await until('the spans', () => telemetry.spans().length === 1, Boolean);
      expect(telemetry.spans()[0]!.attributes['genops.tokens.output']).toBe(2);
    });

    it('ends the span when the caller stops reading early', async () => {
      const stream = await client().chat.completions.create({
        model: 'deepseek/deepseek-chat',
        messages: MESSAGES,
        max_tokens: 10,
        stream: true,
      });
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) break;
      }
      await until('the spans', () => telemetry.spans().length === 1, Boolean);
      expect(telemetry.spans()[0]!.status.code).toBe(SpanStatusCode.UNSET);
    });
  });

  describe('when the request is BYOK (the caller’s own provider key)', () => {
    it('counts the upstream cost plus OpenRouter’s fee, and records both', async () => {
      await withGenOps({ team: 'byok' }, () =>
        client().chat.completions.create(
          { model: 'deepseek/deepseek-chat', messages: MESSAGES, max_tokens: 5 },
          { headers: { 'x-fake-byok': '1' } },
        ),
      );
      await until('the spans', () => telemetry.spans().length === 1, Boolean);
      const attrs = telemetry.spans()[0]!.attributes;
      // Upstream 0.000015 (30 × 0.30 + 5 × 1.20 per 1M) billed to the key, plus OpenRouter's 5 % fee.
      expect(attrs['genops.openrouter.byok']).toBe(true);
      expect(attrs['genops.cost.upstream']).toBe(0.000015);
      expect(attrs['genops.cost.fee']).toBe(0.00000075);
      expect(attrs['genops.cost.total']).toBe(0.00001575);
      expect(attrs['genops.cost.source']).toBe('reported');
    });
  });

  describe('when OpenRouter falls back', () => {
    it('marks fallback_used when the first model is unavailable', async () => {
      const openai = client();
      const body = {
        model: 'openai/gpt-4o',
        models: ['fail/503', 'deepseek/deepseek-chat'],
        messages: MESSAGES,
        max_tokens: 1,
      };
      const completion = await openai.chat.completions.create(body as never);
      expect(completion.model).toBe('deepseek/deepseek-chat');
      await until('the spans', () => telemetry.spans().length === 1, Boolean);
      const attrs = telemetry.spans()[0]!.attributes;
      expect(attrs['genops.openrouter.fallback_used']).toBe(true);
      expect(attrs['gen_ai.request.model']).toBe('openai/gpt-4o');
      expect(attrs['gen_ai.response.model']).toBe('deepseek/deepseek-chat');
    });

    it('marks a fallback from openai/gpt-4o to openai/gpt-4o-mini (one id a prefix of the other)', async () => {
      const options = {
        providers: { 'openai/gpt-4o': ['OpenAI-4o'], 'openai/gpt-4o-mini': ['OpenAI'] },
        downProviders: ['OpenAI-4o'],
      };
      await withFake(options, async (openai) => {
        const body = {
          model: 'openai/gpt-4o',
          models: ['openai/gpt-4o', 'openai/gpt-4o-mini'],
          messages: MESSAGES,
          max_tokens: 1,
        };
        const completion = await openai.chat.completions.create(body as never);
        expect(completion.model).toBe('openai/gpt-4o-mini');
        await until('the spans', () => telemetry.spans().length === 1, Boolean);
        expect(telemetry.spans()[0]!.attributes['genops.openrouter.fallback_used']).toBe(true);
      });
    });

    it('records the requested and the actual provider when the first provider is down', async () => {
      const options = { providers: { 'deepseek/deepseek-chat': ['DeepInfra'] }, downProviders: ['Together'] };
      await withFake(options, async (openai) => {
        const body = {
          model: 'deepseek/deepseek-chat',
          provider: { order: ['Together'] },
          messages: MESSAGES,
        };
        await openai.chat.completions.create(body as never);
        await until('the spans', () => telemetry.spans().length === 1, Boolean);
        const attrs = telemetry.spans()[0]!.attributes;
        expect(attrs['genops.openrouter.requested_provider']).toBe('Together');
        expect(attrs['genops.openrouter.actual_provider']).toBe('DeepInfra');
        expect(attrs['genops.openrouter.fallback_used']).toBe(true);
      });
    });

    it('does not mark a fallback when the first choice served', async () => {
      const body = { model: 'deepseek/deepseek-chat', provider: { order: ['Together'] }, messages: MESSAGES };
      await client().chat.completions.create(body as never);
      await until('the spans', () => telemetry.spans().length === 1, Boolean);
      expect(telemetry.spans()[0]!.attributes['genops.openrouter.fallback_used']).toBe(false);
    });
  });

  describe('when the API fails', () => {
    it('passes a 429 through unchanged and records an error span and metrics', async () => {
      const openai = client();
      const error = await withGenOps({ team: 'errors' }, () =>
        openai.chat.completions.create({ model: 'fail/429', messages: MESSAGES }).then(
          () => undefined,
          (e: unknown) => e,
        ),
      );
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect((error as InstanceType<typeof OpenAI.RateLimitError>).status).toBe(429);
      await until('the spans', () => telemetry.spans().length === 1, Boolean);
      const span = telemetry.spans()[0]!;
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes['error.type']).toBe('429');
      expect(span.events.map((e) => e.name)).toEqual(['exception']);
      const requests = (await telemetry.metrics()).get('genops.requests')!.points;
      expect(requests.filter((p) => p.attributes['genops.team'] === 'errors')).toEqual([
        {
          attributes: {
            'genops.team': 'errors',
            'genops.provider': 'openrouter',
            'genops.model': 'fail/429',
            'genops.status': 'error',
            'error.type': '429',
          },
          value: 1,
        },
      ]);
    });

    it('passes a 500 through unchanged', async () => {
      await expect(
        client().chat.completions.create({ model: 'fail/500', messages: MESSAGES }),
      ).rejects.toBeInstanceOf(OpenAI.InternalServerError);
      await until('the spans', () => telemetry.spans().length === 1, Boolean);
      expect(telemetry.spans()[0]!.attributes['error.type']).toBe('500');
    });

    it('passes a network error through unchanged', async () => {
      const raw = new OpenAI({ baseURL: 'http://127.0.0.1:1/api/v1', apiKey: 'k', maxRetries: 0 });
      const openai = instrumentOpenAI(raw, {
        tracerProvider: telemetry.tracerProvider,
        meterProvider: telemetry.meterProvider,
      });
      await expect(
        openai.chat.completions.create({ model: 'x/y', messages: MESSAGES }),
      ).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
      await until('the spans', () => telemetry.spans().length === 1, Boolean);
      expect(telemetry.spans()[0]!.attributes['error.type']).toBe('APIConnectionError');
      expect(telemetry.spans()[0]!.attributes['genops.provider']).toBe('openai');
    });
  });

  describe('when context is nested or concurrent', () => {
    it('keeps each of 100 concurrent calls on its own team, across awaits', async () => {
      const openai = client();
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          withGenOps({ team: `team-${i}` }, async () => {
            await new Promise((r) => setTimeout(r, (i * 7) % 13));
            return withGenOps({ project: `p-${i}` }, () =>
              openai.chat.completions.create({
                model: 'deepseek/deepseek-chat',
                messages: MESSAGES,
                max_tokens: 1,
              }),
            );
          }),
        ),
      );
      await until('the spans', () => telemetry.spans().length === 100, Boolean);
      const pairs = telemetry
        .spans()
        .map((s) => [s.attributes['genops.team'], s.attributes['genops.project']]);
      expect(new Set(pairs.map(([t, p]) => `${String(t)}/${String(p)}`))).toEqual(
        new Set(Array.from({ length: 100 }, (_, i) => `team-${i}/p-${i}`)),
      );
    });

    it('lets an inner withGenOps override one field and keep the rest', async () => {
      const openai = client({ env: { GENOPS_TEAM: 'from-env', GENOPS_COST_CENTER: 'cc-9' } });
      await withGenOps({ team: 'outer', feature: 'search-box' }, async () => {
        await withGenOps({ team: 'inner' }, async () => {
          await new Promise((r) => setTimeout(r, 1));
          await openai.chat.completions.create({
            model: 'deepseek/deepseek-chat',
            messages: MESSAGES,
            max_tokens: 1,
          });
        });
      });
      await until('the spans', () => telemetry.spans().length === 1, Boolean);
      const attrs = telemetry.spans()[0]!.attributes;
      expect([attrs['genops.team'], attrs['genops.feature'], attrs['genops.cost_center']]).toEqual([
        'inner',
        'search-box',
        'cc-9',
      ]);
    });
  });

  describe('when telemetry itself fails', () => {
    it('returns the completion even if the tracer throws', async () => {
      const broken = {
        getTracer: () => ({
          startSpan: () => {
            throw new Error('tracer exploded');
          },
          startActiveSpan: () => {
            throw new Error('tracer exploded');
          },
        }),
      };
      const raw = new OpenAI({ baseURL: fake.baseURL, apiKey: 'k', maxRetries: 0 });
      const openai = instrumentOpenAI(raw, { tracerProvider: broken as never });
      const completion = await openai.chat.completions.create({
        model: 'deepseek/deepseek-chat',
        messages: MESSAGES,
        max_tokens: 3,
      });
      expect(completion.choices[0]!.message.content).toBe('w0 w1 w2');
    });

    it('returns the completion even if the span exporter throws', async () => {
      const { TracerProvider, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace');
      const throwingExporter = {
        export: () => {
          throw new Error('exporter exploded');
        },
        shutdown: async () => {},
      };
      const provider = new TracerProvider({
        spanProcessors: [new SimpleSpanProcessor({ exporter: throwingExporter })],
      });
      const raw = new OpenAI({ baseURL: fake.baseURL, apiKey: 'k', maxRetries: 0 });
      const openai = instrumentOpenAI(raw, {
        tracerProvider: provider,
        meterProvider: telemetry.meterProvider,
      });
      const completion = await openai.chat.completions.create({
        model: 'deepseek/deepseek-chat',
        messages: MESSAGES,
        max_tokens: 2,
      });
      expect(completion.choices[0]!.message.content).toBe('w0 w1');
    });
  });

  describe('content capture', () => {
    it('records no prompt or completion by default', async () => {
      await client().chat.completions.create({
        model: 'deepseek/deepseek-chat',
        messages: MESSAGES,
        max_tokens: 1,
      });
      await until('the spans', () => telemetry.spans().length === 1, Boolean);
      const keys = Object.keys(telemetry.spans()[0]!.attributes);
      expect(keys.filter((k) => k.startsWith('gen_ai.input') || k.startsWith('gen_ai.output'))).toEqual([]);
    });

    it('records redacted content when opted in', async () => {
      const openai = client({
        captureContent: true,
        redact: (text) => text.replace(/quarterly/g, '[REDACTED]'),
      });
      await openai.chat.completions.create({
        model: 'deepseek/deepseek-chat',
        messages: MESSAGES,
        max_tokens: 1,
      });
      await until('the spans', () => telemetry.spans().length === 1, Boolean);
      const attrs = telemetry.spans()[0]!.attributes;
      expect(attrs['gen_ai.input.messages']).toBe(
        '[{"role":"user","content":"Summarise the [REDACTED] report"}]',
      );
      expect(attrs['gen_ai.output.messages']).toBe(
        '[{"role":"assistant","content":"w0","refusal":null,"reasoning":null}]',
      );
    });
  });
});
