// Benchmark: the wrapper's per-call cost against a hand-written baseline doing the same span and metric
// recordings with the raw OTel API, measured in the same run; then heap growth over 1M calls.
// Run: npm run bench -w @genops/instrumentation   (node --expose-gc for the heap figure)
import { SpanKind, type Attributes } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { TracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { PriceCatalog, semconv as A, trackLLMCall } from '@genops/instrumentation';

class DiscardingProcessor implements SpanProcessor {
  onStart(): void {}
  onEnd(_span: ReadableSpan): void {}
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}
class IdleReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const tracerProvider = new TracerProvider({ spanProcessors: [new DiscardingProcessor()] });
const meterProvider = new MeterProvider({ readers: [new IdleReader()] });
const catalog = PriceCatalog.bundled();
const options = {
  tracerProvider,
  meterProvider,
  priceCatalog: catalog,
  env: {},
  defaults: { team: 'bench', project: 'p' },
};
const usage = { inputTokens: 1200, outputTokens: 340 };

// The baseline: what a careful hand-written integration records per call, with the raw API.
const tracer = tracerProvider.getTracer('baseline');
const meter = meterProvider.getMeter('baseline');
const requests = meter.createCounter('b.requests');
const duration = meter.createHistogram('b.duration');
const tokens = meter.createCounter('b.tokens');
const cost = meter.createCounter('b.cost');
const tokenUsage = meter.createHistogram('b.token.usage');
const opDuration = meter.createHistogram('b.op.duration');

async function baselineCall(): Promise<string> {
  const start = performance.now();
  const span = tracer.startSpan('chat deepseek/deepseek-chat', {
    kind: SpanKind.CLIENT,
    attributes: {
      [A.ATTR_GEN_AI_OPERATION_NAME]: 'chat',
      [A.ATTR_GEN_AI_PROVIDER_NAME]: 'custom',
      [A.ATTR_GEN_AI_REQUEST_MODEL]: 'deepseek/deepseek-chat',
      [A.ATTR_GENOPS_PROVIDER]: 'custom',
      [A.ATTR_GENOPS_MODEL]: 'deepseek/deepseek-chat',
      [A.ATTR_GENOPS_TEAM]: 'bench',
      [A.ATTR_GENOPS_PROJECT]: 'p',
    },
  });
  const result = await Promise.resolve('ok');
  const estimate = catalog.estimate('deepseek/deepseek-chat', usage)!;
  span.setAttributes({
    [A.ATTR_GENOPS_TOKENS_INPUT]: usage.inputTokens,
    [A.ATTR_GENOPS_TOKENS_OUTPUT]: usage.outputTokens,
    [A.ATTR_GENOPS_TOKENS_TOTAL]: usage.inputTokens + usage.outputTokens,
    [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: usage.inputTokens,
    [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: usage.outputTokens,
    [A.ATTR_GENOPS_COST_TOTAL]: estimate.usd,
    [A.ATTR_GENOPS_COST_CURRENCY]: 'USD',
    [A.ATTR_GENOPS_COST_SOURCE]: 'estimated',
    [A.ATTR_GENOPS_COST_ESTIMATED]: estimate.usd,
  });
  span.end();
  const seconds = (performance.now() - start) / 1000;
  const attrs: Attributes = {
    'genops.team': 'bench',
    'genops.project': 'p',
    'genops.model': 'deepseek/deepseek-chat',
    'genops.provider': 'custom',
    'genops.status': 'ok',
  };
  const semconvAttrs: Attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'custom',
    'gen_ai.request.model': 'deepseek/deepseek-chat',
    'genops.team': 'bench',
  };
  requests.add(1, attrs);
  duration.record(seconds, attrs);
  opDuration.record(seconds, semconvAttrs);
  cost.add(estimate.usd, attrs);
  tokens.add(usage.inputTokens, { ...attrs, 'genops.token.type': 'input' });
  tokens.add(usage.outputTokens, { ...attrs, 'genops.token.type': 'output' });
  tokenUsage.record(usage.inputTokens, { ...semconvAttrs, 'gen_ai.token.type': 'input' });
  tokenUsage.record(usage.outputTokens, { ...semconvAttrs, 'gen_ai.token.type': 'output' });
  return result;
}

function wrappedCall(): Promise<string> {
  return trackLLMCall(
    { provider: 'custom', model: 'deepseek/deepseek-chat' },
    async (call) => {
      const result = await Promise.resolve('ok');
      call.setUsage(usage);
      return result;
    },
    options,
  );
}

async function bareCall(): Promise<string> {
  return Promise.resolve('ok');
}

async function nsPerOp(fn: () => Promise<unknown>, iterations: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  return Number(process.hrtime.bigint() - start) / iterations;
}

async function main(): Promise<void> {
  const iterations = Number(process.env.BENCH_ITERATIONS ?? 100_000);
  for (const fn of [bareCall, baselineCall, wrappedCall]) await nsPerOp(fn, 20_000); // warm-up
  // Interleave rounds so drift on a shared machine hits both sides alike; keep the best round of each.
  let bare = Infinity;
  let baseline = Infinity;
  let wrapped = Infinity;
  for (let round = 0; round < 5; round++) {
    bare = Math.min(bare, await nsPerOp(bareCall, iterations));
    baseline = Math.min(baseline, await nsPerOp(baselineCall, iterations));
    wrapped = Math.min(wrapped, await nsPerOp(wrappedCall, iterations));
  }
  const ratio = wrapped / baseline;
  console.log(`bare call (no telemetry)        ${bare.toFixed(0).padStart(8)} ns/op`);
  console.log(`raw-OTel baseline               ${baseline.toFixed(0).padStart(8)} ns/op`);
  console.log(`@genops/instrumentation wrapper ${wrapped.toFixed(0).padStart(8)} ns/op`);
  console.log(
    `overhead ratio wrapper/baseline ${ratio.toFixed(2).padStart(8)}x   (target <= 1.50x) ${ratio <= 1.5 ? 'OK' : 'MISSED'}`,
  );
  console.log(
    `absolute wrapper overhead       ${((wrapped - bare) / 1000).toFixed(2).padStart(8)} µs/call over a bare call`,
  );

  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    console.log('heap: run with node --expose-gc for the heap-growth figure');
    return;
  }
  const calls = Number(process.env.BENCH_HEAP_CALLS ?? 1_000_000);
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < calls; i++) await wrappedCall();
  gc();
  const after = process.memoryUsage().heapUsed;
  console.log(
    `heap growth over ${calls.toLocaleString('en')} calls ${((after - before) / 1024 / 1024).toFixed(2).padStart(8)} MiB (bounded attributes: one series per metric)`,
  );
}

await main();
