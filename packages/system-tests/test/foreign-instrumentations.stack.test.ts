// Services that never heard of GenOps, instrumented the way teams already do — OpenLLMetry's
// `@traceloop/instrumentation-openai` and OpenInference's `@arizeai/openinference-instrumentation-openai` (with
// openai 6, the newest major both support), and the Vercel AI SDK 7's own telemetry (`@ai-sdk/otel`), installed from
// the npm registry into a throwaway project — send their LLM spans
// to the real collector; its cost route passes them to Kafka, and a processor prices them from the catalog: the
// report shows every call once, priced, attributed (the team comes from the resource, no code change in the call).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, startProcessor, type RunningProcessor } from '@genops/processor';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeOpenRouter, until, type FakeOpenRouter } from '@genops/fakes';

const exec = promisify(execFile);
const { endpoints } = inject('stack');
const run = Date.now().toString(36);
let work: string;
let fake: FakeOpenRouter;
let processor: RunningProcessor;

const INSTRUMENTATIONS = {
  openllmetry: "require('@traceloop/instrumentation-openai').OpenAIInstrumentation",
  openinference: "require('@arizeai/openinference-instrumentation-openai').OpenAIInstrumentation",
} as const;

const PROVIDER = `
const { trace } = require('@opentelemetry/api');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': process.env.SERVICE, 'genops.team': process.env.TEAM }),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: process.env.OTLP_HTTP + '/v1/traces' }))],
});
trace.setGlobalTracerProvider(provider);
module.exports = provider;
`;

/** A service using the AI SDK's own telemetry: 3 generateText calls through the OpenAI-compatible provider. */
const AI_SDK_SERVICE = `
import provider from './provider.cjs';
import { OpenTelemetry } from '@ai-sdk/otel';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, registerTelemetry } from 'ai';
registerTelemetry(new OpenTelemetry());
const openrouter = createOpenAICompatible({ name: 'openrouter', baseURL: process.env.FAKE_BASE_URL, apiKey: 'k' });
for (let i = 0; i < 3; i++)
  await generateText({
    model: openrouter('deepseek/deepseek-chat'),
    prompt: 'hello',
    maxOutputTokens: 10,
    maxRetries: 0,
    experimental_telemetry: { isEnabled: true },
  });
await provider.forceFlush();
await provider.shutdown();
`;

/** A service: its own SDK 2 tracer provider exporting OTLP/HTTP to the collector, the instrumentation, 3 calls. */
function service(instrumentation: string): string {
  return `
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const provider = require('./provider.cjs');
const Instrumentation = ${instrumentation};
registerInstrumentations({ instrumentations: [new Instrumentation()], tracerProvider: provider });
const OpenAI = require('openai');
const client = new OpenAI({ baseURL: process.env.FAKE_BASE_URL, apiKey: 'k', maxRetries: 0 });
(async () => {
  for (let i = 0; i < 3; i++)
    await client.chat.completions.create({
      model: 'deepseek/deepseek-chat',
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 10,
    });
  await provider.forceFlush();
  await provider.shutdown();
})();
`;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'genops-foreign-'));
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'services', private: true }));
  await exec(
    'npm',
    [
      'install',
      'openai@^6',
      '@traceloop/instrumentation-openai@0.27.0',
      '@arizeai/openinference-instrumentation-openai@4.2.7',
      '@opentelemetry/api@^1.9',
      '@opentelemetry/sdk-trace-base@^2',
      '@opentelemetry/resources@^2',
      '@opentelemetry/exporter-trace-otlp-proto@^0.203',
      '@opentelemetry/instrumentation@^0.203',
      'ai@^7',
      '@ai-sdk/otel@^1',
      '@ai-sdk/openai-compatible@^3',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ],
    { cwd: work, maxBuffer: 16 << 20 },
  );
  for (const [name, instrumentation] of Object.entries(INSTRUMENTATIONS))
    writeFileSync(join(work, `${name}.cjs`), service(instrumentation));
  writeFileSync(join(work, 'provider.cjs'), PROVIDER);
  writeFileSync(join(work, 'ai-sdk.mjs'), AI_SDK_SERVICE);
  fake = await startFakeOpenRouter();
  processor = await startProcessor(
    loadConfig({
      GENOPS_PRICE_SYNC_SOURCE: 'off', // no fetch from the internet in a test
      GENOPS_KAFKA_BROKERS: endpoints.kafkaBrokers,
      GENOPS_KAFKA_TOPIC: 'genops.cost-spans',
      GENOPS_KAFKA_DLQ_TOPIC: `foreign-dlq-${run}`,
      GENOPS_KAFKA_GROUP: `foreign-${run}`,
      GENOPS_LEDGER_URL: `sqlite:${join(work, 'ledger.db')}`,
      GENOPS_HTTP_PORT: '0',
    }),
  );
}, 300_000);

afterAll(async () => {
  await processor?.stop();
  await fake?.close();
  rmSync(work, { recursive: true, force: true });
});

interface Totals {
  requests: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

const totalsOf = (team: string, calls: number): Promise<Totals> =>
  until(
    `${calls} calls of ${team} in the report`,
    async () => {
      const res = await fetch(`http://127.0.0.1:${processor.port}/v1/reports/cost?team=${team}`);
      return ((await res.json()) as { totals: Totals }).totals;
    },
    (totals) => totals.requests >= calls,
    { timeoutMs: 120_000, intervalMs: 500 },
  );

describe('LLM spans of other instrumentations, end to end', () => {
  for (const [name, file] of [
    ['openllmetry', 'openllmetry.cjs'],
    ['openinference', 'openinference.cjs'],
    ['ai-sdk', 'ai-sdk.mjs'],
  ]) {
    it(`${name}: every call once in the report, priced from the catalog, attributed from the resource`, async () => {
      const team = `${name}-${run}`;
      await exec(process.execPath, [join(work, file!)], {
        cwd: work,
        env: {
          ...process.env,
          SERVICE: `${name}-service`,
          TEAM: team,
          OTLP_HTTP: endpoints.otlpHttp,
          FAKE_BASE_URL: fake.baseURL,
        },
      });
      const totals = await totalsOf(team, 3);
      // 'hello' is 5 prompt tokens at the fake, 10 completion tokens; deepseek/deepseek-chat in the bundled table at
      // 0.28 / 0.42 USD per 1M: 5 × 0.28 + 10 × 0.42 = 5.6 USD·tokens per 1M = 5,600 nano-USD a call, 16,800 for three.
      expect(totals).toMatchObject({ requests: 3, inputTokens: 15, outputTokens: 30, costUsd: 0.0000168 });
    });
  }
});
