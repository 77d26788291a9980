// instrumentAnthropic with the real @anthropic-ai/sdk against a local fake speaking Anthropic's JSON and SSE.
import Anthropic from '@anthropic-ai/sdk';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { startFakeAnthropic, type FakeAnthropic } from '@genops/fakes';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropicCatalogModel, instrumentAnthropic } from '../../src/anthropic/instrument-anthropic.js';
import { BudgetExceededError } from '../../src/errors.js';
import { BudgetGuard } from '../../src/budget/budget-guard.js';
import { withGenOps } from '../../src/context.js';
import { until } from '@genops/fakes';
import { createTestTelemetry } from '../support/telemetry.js';

const telemetry = createTestTelemetry();
let fake: FakeAnthropic;

beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => fake.close());
beforeEach(() => telemetry.reset());

function client(
  headers: Record<string, string> = {},
  options: Parameters<typeof instrumentAnthropic>[1] = {},
): Anthropic {
  return instrumentAnthropic(
    new Anthropic({ baseURL: fake.baseURL, apiKey: 'test-key', maxRetries: 0, defaultHeaders: headers }),
    { tracerProvider: telemetry.tracerProvider, meterProvider: telemetry.meterProvider, env: {}, ...options },
  );
}

// 'Summarise the quarterly report' is 30 characters: the fake's input_tokens; 40 output tokens (max_tokens).
const MESSAGES = [{ role: 'user' as const, content: 'Summarise the quarterly report' }];
// Bundled claude-sonnet-4.5: input 3, output 15, cache read 0.3, 5-minute write 3.75, 1-hour write 6 USD per 1M.
const MODEL = 'claude-sonnet-4-5-20250929';

describe('instrumentAnthropic', () => {
  it('maps Anthropic model ids to the catalog’s', () => {
    expect(anthropicCatalogModel('claude-sonnet-4-5-20250929')).toBe('anthropic/claude-sonnet-4.5');
    expect(anthropicCatalogModel('claude-3-5-haiku-latest')).toBe('anthropic/claude-3.5-haiku');
    expect(anthropicCatalogModel('claude-opus-4-1')).toBe('anthropic/claude-opus-4.1');
    expect(anthropicCatalogModel('claude-sonnet-4-20250514')).toBe('anthropic/claude-sonnet-4');
  });

  describe('when messages.create succeeds with prompt caching', () => {
    it('emits one CLIENT span priced with the cache-write and cache-read prices, tokens and team', async () => {
      const anthropic = client({
        'x-fake-cache': JSON.stringify({ read: 2000, write5m: 1000, write1h: 500 }),
      });
      const message = await withGenOps({ team: 'search', project: 'ranker' }, () =>
        anthropic.messages.create({ model: MODEL, max_tokens: 40, messages: MESSAGES }),
      );
      expect(message.usage.cache_read_input_tokens).toBe(2000); // the caller's result, untouched
      await until('the spans', () => telemetry.spans().length === 1, Boolean);
      const [span] = telemetry.spans();
      expect(telemetry.spans()).toHaveLength(1);
      expect(span!.name).toBe(`chat ${MODEL}`);
      expect(span!.kind).toBe(SpanKind.CLIENT);
      const a = span!.attributes;
      // 30 × 3 + 2,000 × 0.3 + 1,000 × 3.75 + 500 × 6 + 40 × 15 = 90 + 600 + 3,750 + 3,000 + 600 = 8,040 per 1M
      expect(a['genops.cost.total']).toBe(0.00804);
      expect(a['genops.cost.source']).toBe('estimated');
      expect(a['gen_ai.provider.name']).toBe('anthropic');
      expect(a['gen_ai.usage.input_tokens']).toBe(3530); // the whole prompt: 30 + 2,000 read + 1,500 written
      expect(a['gen_ai.usage.output_tokens']).toBe(40);
      expect(a['gen_ai.usage.cache_read.input_tokens']).toBe(2000);
      expect(a['gen_ai.usage.cache_creation.input_tokens']).toBe(1500);
      expect(a['gen_ai.response.id']).toBe(message.id);
      expect(a['genops.team']).toBe('search');
      expect(a['genops.project']).toBe('ranker');
      const metrics = await telemetry.metrics();
      expect(metrics.get('genops.cost')!.points.map((p) => p.value)).toEqual([0.00804]);
    });
  });

  describe('when the call streams', () => {
    it('hands every event to the caller and records the final usage once the stream ends', async () => {
      const anthropic = client();
      const stream = await anthropic.messages.create({
        model: MODEL,
        max_tokens: 5,
        messages: MESSAGES,
        stream: true,
      });
      const types: string[] = [];
      for await (const event of stream) types.push(event.type);
      expect(types).toEqual([
        'message_start',
        'content_block_start',
        'content_block_delta',
        'content_block_delta',
        'content_block_delta',
        'content_block_delta',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      const a = telemetry.spans()[0]!.attributes;
      // 30 × 3 + 5 × 15 = 165 per 1M
      expect(a['genops.cost.total']).toBe(0.000165);
      expect(a['gen_ai.usage.output_tokens']).toBe(5);
    });

    it('also covers messages.stream(), which goes through create', async () => {
      const anthropic = client();
      const final = await anthropic.messages
        .stream({ model: MODEL, max_tokens: 3, messages: MESSAGES })
        .finalMessage();
      expect(final.content).toEqual([{ type: 'text', text: 'w0 w1 w2' }]);
      await until('the spans', () => telemetry.spans().length === 1, Boolean);
      expect(telemetry.spans()).toHaveLength(1);
      // 30 × 3 + 3 × 15 = 135 per 1M
      expect(telemetry.spans()[0]!.attributes['genops.cost.total']).toBe(0.000135);
    });
  });

  describe('when Anthropic fails', () => {
    it('throws the SDK’s own error to the caller and records an error span', async () => {
      const anthropic = client();
      const error = await anthropic.messages
        .create({ model: 'overloaded-model', max_tokens: 5, messages: MESSAGES })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.APIError);
      expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
      await until('the spans', () => telemetry.spans().length === 1, Boolean); // the span ends as the rejection settles
      const span = telemetry.spans()[0]!;
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes['error.type']).toBe('529');
    });
  });

  describe('with a BudgetGuard whose processor blocks the team', () => {
    it('throws BudgetExceededError before Anthropic is called', async () => {
      const { createServer } = await import('node:http');
      const processor = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ decision: 'BLOCKED', reasonCode: 'HARD_LIMIT', reason: 'spent 5 of 5 USD' }),
        );
      });
      await new Promise<void>((r) => processor.listen(0, '127.0.0.1', r));
      const { port } = processor.address() as { port: number };
      const guard = new BudgetGuard({ url: `http://127.0.0.1:${port}` });
      const before = fake.requests.length;
      try {
        const anthropic = client({}, { budgetGuard: guard });
        const error = await withGenOps({ team: 'growth' }, () =>
          anthropic.messages.create({ model: MODEL, max_tokens: 5, messages: MESSAGES }),
        ).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BudgetExceededError);
        expect(fake.requests.length).toBe(before);
        expect(telemetry.spans()[0]!.attributes['genops.budget.decision']).toBe('BLOCKED');
      } finally {
        guard.close();
        processor.close();
      }
    });
  });
});
