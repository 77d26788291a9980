// LLM spans from other instrumentations become cost events: OTel GenAI semconv (OpenLLMetry, OpenLIT), the Vercel AI
// SDK's spans (its loop span skipped, its model-call span charged) and OpenInference (its reported cost wins).
// Expected costs worked out by hand from the bundled catalog.
import { PriceCatalog } from '@genops/pricing';
import { describe, expect, it } from 'vitest';
import { decodeCostSpans } from '../../src/decode/decode-cost-spans.js';
import { hex } from '../support/otlp.js';

const END_MS = Date.parse('2026-11-30T12:00:00Z');

function attr(key: string, v: string | number) {
  return {
    key,
    value:
      typeof v === 'string'
        ? { stringValue: v }
        : Number.isInteger(v)
          ? { intValue: String(v) }
          : { doubleValue: v },
  };
}

function span(attributes: [string, string | number][], name = 'llm') {
  return {
    traceId: hex(16),
    spanId: hex(8),
    name,
    startTimeUnixNano: String(BigInt(END_MS - 800) * 1_000_000n),
    endTimeUnixNano: String(BigInt(END_MS) * 1_000_000n),
    attributes: attributes.map(([k, v]) => attr(k, v)),
    status: {},
  };
}

function message(spans: unknown[], resource: [string, string][] = [], scope = 'other-instrumentation') {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: resource.map(([k, v]) => attr(k, v)) },
        scopeSpans: [{ scope: { name: scope }, spans }],
      },
    ],
  });
}

describe('spans of other instrumentations', () => {
  it('prices an OTel GenAI semconv span (OpenLLMetry, OpenLIT) from the catalog, team from the resource', () => {
    const decoded = decodeCostSpans(
      message(
        [
          span([
            ['gen_ai.system', 'openai'],
            ['gen_ai.request.model', 'gpt-4o'],
            ['gen_ai.response.model', 'gpt-4o-2024-08-06'],
            ['gen_ai.usage.input_tokens', 1200],
            ['gen_ai.usage.output_tokens', 300],
            ['gen_ai.usage.cache_read.input_tokens', 1000],
          ]),
        ],
        [
          ['service.name', 'rag-api'],
          ['genops.team', 'search'],
          ['deployment.environment.name', 'prod'],
        ],
      ),
    );
    expect(decoded.failures).toEqual([]);
    expect(decoded.events).toHaveLength(1);
    const e = decoded.events[0]!;
    // openai/gpt-4o: input 2.5, cache read 1.25, output 10 USD per 1M:
    // 200 × 2.5 + 1,000 × 1.25 + 300 × 10 = 500 + 1,250 + 3,000 = 4,750 USD·tokens per 1M → × 1,000 nano-USD
    expect(e.costNano).toBe(4_750_000n);
    expect(e).toMatchObject({
      team: 'search',
      environment: 'prod',
      // Reports group by the catalog's id; the name the instrumentation sent stays on the event.
      model: 'openai/gpt-4o',
      modelName: 'gpt-4o',
      servedModel: 'gpt-4o-2024-08-06',
      provider: 'openai',
      costSource: 'estimated',
      inputTokens: 1200,
      outputTokens: 300,
      durationMs: 800,
    });
  });

  it('charges the AI SDK’s model-call span and skips its loop span (same tokens, never twice)', () => {
    const usage: [string, number][] = [
      ['ai.usage.inputTokens', 30],
      ['ai.usage.outputTokens', 20],
    ];
    const decoded = decodeCostSpans(
      message([
        span(
          [
            ['ai.operationId', 'ai.generateText'],
            ['ai.model.id', 'deepseek/deepseek-chat'],
            ['ai.model.provider', 'openrouter.chat'],
            ...usage,
          ],
          'ai.generateText',
        ),
        span(
          [
            ['ai.operationId', 'ai.generateText.doGenerate'],
            ['ai.model.id', 'deepseek/deepseek-chat'],
            ['ai.model.provider', 'openrouter.chat'],
            ['gen_ai.usage.input_tokens', 30],
            ['gen_ai.usage.output_tokens', 20],
            ['genops.team', 'growth'],
            ...usage,
          ],
          'ai.generateText.doGenerate',
        ),
      ]),
    );
    expect(decoded.failures).toEqual([]);
    expect(decoded.skipped).toBe(1);
    expect(decoded.events).toHaveLength(1);
    // deepseek/deepseek-chat: 30 × 0.28 + 20 × 0.42 = 8.4 + 8.4 = 16.8 USD·tokens per 1M → 16,800 nano-USD
    expect(decoded.events[0]).toMatchObject({
      team: 'growth',
      provider: 'openrouter',
      costNano: 16_800n,
      costSource: 'estimated',
    });
  });

  it('charges the AI SDK 7 (@ai-sdk/otel) chat span and skips its invoke_agent and step spans', () => {
    // As @ai-sdk/otel 1.0 emits them for one generateText: the agent span repeats the chat span's usage.
    const usage: [string, string | number][] = [
      ['gen_ai.provider.name', 'openrouter.chat'],
      ['gen_ai.request.model', 'deepseek/deepseek-chat'],
      ['gen_ai.usage.input_tokens', 5],
      ['gen_ai.usage.output_tokens', 10],
      ['gen_ai.usage.cache_read.input_tokens', 0],
    ];
    const decoded = decodeCostSpans(
      message(
        [
          span([
            ['gen_ai.operation.name', 'chat'],
            ['gen_ai.response.model', 'deepseek/deepseek-chat'],
            ...usage,
          ]),
          span([['gen_ai.operation.name', 'agent_step']]),
          span([['gen_ai.operation.name', 'invoke_agent'], ...usage]),
        ],
        [['genops.team', 'agents']],
      ),
    );
    expect(decoded.failures.map((f) => f.reason)).toEqual([
      'genops.cost.total is missing and the span is no LLM call GenOps can price', // agent_step: no usage at all
    ]);
    expect(decoded.skipped).toBe(1);
    // 5 × 0.28 + 10 × 0.42 = 5.6 USD·tokens per 1M → 5,600 nano-USD, once
    expect(decoded.events.map((e) => [e.team, e.provider, e.costNano])).toEqual([
      ['agents', 'openrouter', 5_600n],
    ]);
  });

  it('takes an OpenInference LLM span’s reported cost and skips its chain span', () => {
    const decoded = decodeCostSpans(
      message([
        span([
          ['openinference.span.kind', 'CHAIN'],
          ['llm.token_count.prompt', 500],
          ['llm.token_count.completion', 50],
        ]),
        span([
          ['openinference.span.kind', 'LLM'],
          ['llm.model_name', 'claude-sonnet-4-5'],
          ['llm.provider', 'anthropic'],
          ['llm.token_count.prompt', 500],
          ['llm.token_count.completion', 50],
          ['llm.cost.total', 0.00225],
        ]),
      ]),
    );
    expect(decoded.failures).toEqual([]);
    expect(decoded.skipped).toBe(1);
    expect(decoded.events[0]).toMatchObject({
      team: 'unattributed',
      provider: 'anthropic',
      costNano: 2_250_000n,
      costSource: 'reported',
      inputTokens: 500,
      outputTokens: 50,
    });
  });

  it('reads the GenAI semconv token names before 1.27 (prompt_tokens / completion_tokens), as older OpenLLMetry sends', () => {
    const decoded = decodeCostSpans(
      message([
        span([
          ['gen_ai.system', 'openai'],
          ['gen_ai.request.model', 'gpt-4o'],
          ['gen_ai.usage.prompt_tokens', 1000],
          ['gen_ai.usage.completion_tokens', 100],
        ]),
      ]),
    );
    // 1,000 × 2.5 + 100 × 10 = 3,500 USD·tokens per 1M → 3,500,000 nano-USD
    expect(decoded.events[0]).toMatchObject({ inputTokens: 1000, outputTokens: 100, costNano: 3_500_000n });
  });

  it('records a model without a price with its tokens and cost 0 (source unknown), to reprice later', () => {
    const decoded = decodeCostSpans(
      message([
        span([
          ['gen_ai.request.model', 'acme-1'],
          ['gen_ai.usage.input_tokens', 10],
          ['gen_ai.usage.output_tokens', 5],
        ]),
      ]),
    );
    expect(decoded.events[0]).toMatchObject({
      model: 'acme-1',
      costNano: 0n,
      costSource: 'unknown',
      inputTokens: 10,
    });
  });

  it('reads the proposed semconv cost: a provider-reported amount wins, a local one only where we have no price', () => {
    const decoded = decodeCostSpans(
      message([
        span([
          ['gen_ai.request.model', 'gpt-4o'],
          ['gen_ai.usage.input_tokens', 1000],
          ['gen_ai.usage.output_tokens', 100],
          ['gen_ai.usage.cost.amount', 0.0042],
          ['gen_ai.usage.cost.currency', 'USD'],
          ['gen_ai.usage.cost.source', 'provider'],
        ]),
        span([
          ['gen_ai.request.model', 'gpt-4o'],
          ['gen_ai.usage.input_tokens', 1000],
          ['gen_ai.usage.output_tokens', 100],
          ['gen_ai.usage.cost.amount', 0.5],
          ['gen_ai.usage.cost.source', 'local'],
        ]),
        span([
          ['gen_ai.request.model', 'acme-1'],
          ['gen_ai.usage.input_tokens', 10],
          ['gen_ai.usage.output_tokens', 5],
          ['gen_ai.usage.cost.amount', 0.000015],
          ['gen_ai.usage.cost.source', 'local'],
        ]),
      ]),
    );
    expect(decoded.events.map((e) => [e.costNano, e.costSource])).toEqual([
      [4_200_000n, 'reported'],
      // gpt-4o is priced here: 1,000 × 2.5 + 100 × 10 = 3,500 USD·tokens per 1M → 3,500,000 nano-USD
      [3_500_000n, 'estimated'],
      [15_000n, 'estimated'],
    ]);
  });

  it('prices with the catalog it is given (the processor’s reloadable one)', () => {
    const catalog = new PriceCatalog({
      version: 't',
      models: { 'acme/acme-1': [{ effectiveFrom: '2026-01-01', input: 1, output: 2 }] },
    });
    const decoded = decodeCostSpans(
      message([
        span([
          ['gen_ai.request.model', 'acme-1'],
          ['gen_ai.usage.input_tokens', 1000],
          ['gen_ai.usage.output_tokens', 500],
        ]),
      ]),
      { catalog },
    );
    // 1,000 × 1 + 500 × 2 = 2,000 USD·tokens per 1M → 2,000,000 nano-USD
    expect(decoded.events[0]).toMatchObject({ costNano: 2_000_000n, costSource: 'estimated' });
  });

  it('dead-letters a span that is no LLM call, and a malformed token count, naming why', () => {
    const decoded = decodeCostSpans(
      message([
        span([['http.method', 'GET']]),
        span([
          ['gen_ai.request.model', 'gpt-4o'],
          ['gen_ai.usage.input_tokens', 'many'],
        ]),
      ]),
    );
    expect(decoded.events).toEqual([]);
    expect(decoded.failures.map((f) => f.reason)).toEqual([
      'genops.cost.total is missing and the span is no LLM call GenOps can price',
      'gen_ai.usage.input_tokens must be a non-negative integer',
    ]);
  });

  it('keeps the OpenRouter generation id another instrumentation recorded, for reconciliation with the bill', () => {
    const call = (provider: string, responseId: string) =>
      span([
        ['gen_ai.provider.name', provider],
        ['gen_ai.request.model', 'openai/gpt-4o-mini'],
        ['gen_ai.response.id', responseId],
        ['gen_ai.usage.input_tokens', 10],
        ['gen_ai.usage.output_tokens', 5],
      ]);
    const { events, failures } = decodeCostSpans(
      message([
        call('openrouter', 'gen-1764504000-abc'),
        call('openrouter', 'chatcmpl-123'),
        call('openai', 'gen-not-openrouter'),
      ]),
    );
    expect(failures).toEqual([]);
    expect(events.map((e) => [e.provider, e.generationId])).toEqual([
      ['openrouter', 'gen-1764504000-abc'],
      ['openrouter', ''],
      ['openai', ''],
    ]);
  });
});
