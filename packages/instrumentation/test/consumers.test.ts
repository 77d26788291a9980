// The package as users install it: the `npm pack` tarballs installed into throwaway projects from the npm registry,
// {openai 6, openai 7} × {OTel SDK 2.x, SDK 3.x} × {ES modules, CommonJS}, each making one call against the fake
// OpenRouter and printing what its own SDK received; plus what a bare install pulls in, and a service on Node 20.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeOpenRouter, type FakeOpenRouter } from '@genops/fakes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PACKAGES = ['@genops/semconv', '@genops/pricing', '@genops/instrumentation'];

const SDKS = {
  'sdk 2': {
    deps: ['@opentelemetry/sdk-trace-base@^2', '@opentelemetry/sdk-metrics@^2'],
    trace: '@opentelemetry/sdk-trace-base',
    provider: 'BasicTracerProvider',
    processor: (exporter: string) => `new SimpleSpanProcessor(${exporter})`,
  },
  'sdk 3': {
    deps: ['@opentelemetry/sdk-trace@^3', '@opentelemetry/sdk-metrics@^3'],
    trace: '@opentelemetry/sdk-trace',
    provider: 'TracerProvider',
    processor: (exporter: string) => `new SimpleSpanProcessor({ exporter: ${exporter} })`,
  },
} as const;
type Sdk = keyof typeof SDKS;

let work: string;
let tarballs: string[];
let fake: FakeOpenRouter;

async function npm(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await exec('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    maxBuffer: 16 << 20,
  });
  return stdout;
}

/** The program each consumer runs: its own SDK in memory, one instrumented call, then what was exported. */
function program(sdk: Sdk, module: 'esm' | 'cjs'): string {
  const s = SDKS[sdk];
  const imports = [
    ['{ context }', '@opentelemetry/api'],
    ['{ AsyncLocalStorageContextManager }', '@opentelemetry/context-async-hooks'],
    ['{ AggregationTemporality, MeterProvider, MetricReader }', '@opentelemetry/sdk-metrics'],
    [`{ ${s.provider}, InMemorySpanExporter, SimpleSpanProcessor }`, s.trace],
    ['{ instrumentOpenAI, withGenOps }', '@genops/instrumentation'],
  ];
  const head =
    module === 'esm'
      ? imports.map(([names, from]) => `import ${names} from '${from}';`).join('\n') +
        `\nimport OpenAI from 'openai';\n`
      : imports.map(([names, from]) => `const ${names} = require('${from}');`).join('\n') +
        `\nconst OpenAI = require('openai');\n`;
  const body = `
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
class Reader extends MetricReader {
  constructor() { super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE }); }
  async onForceFlush() {}
  async onShutdown() {}
}
const exporter = new InMemorySpanExporter();
const reader = new Reader();
const tracerProvider = new ${s.provider}({ spanProcessors: [${s.processor('exporter')}] });
const meterProvider = new MeterProvider({ readers: [reader] });
const openai = instrumentOpenAI(new OpenAI({ baseURL: process.env.FAKE_BASE_URL, apiKey: 'k', maxRetries: 0 }), {
  provider: 'openrouter', tracerProvider, meterProvider, env: {},
});
async function main() {
  await withGenOps({ team: 'search', project: 'ranker' }, () =>
    openai.chat.completions.create({ model: 'deepseek/deepseek-chat', messages: [{ role: 'user', content: 'hello' }] }),
  );
  const { resourceMetrics } = await reader.collect();
  const metrics = {};
  for (const scope of resourceMetrics.scopeMetrics)
    for (const m of scope.metrics) metrics[m.descriptor.name] = m.dataPoints.map((p) => p.value);
  const spans = exporter.getFinishedSpans().map((span) => ({
    name: span.name,
    kind: span.kind,
    team: span.attributes['genops.team'],
    project: span.attributes['genops.project'],
    cost: span.attributes['genops.cost.total'],
    source: span.attributes['genops.cost.source'],
    inputTokens: span.attributes['gen_ai.usage.input_tokens'],
    outputTokens: span.attributes['gen_ai.usage.output_tokens'],
  }));
  process.stdout.write(JSON.stringify({ spans, requests: metrics['genops.requests'], cost: metrics['genops.cost'] }));
}
main();
`;
  return head + body;
}

async function consumer(openai: 6 | 7, sdk: Sdk): Promise<string> {
  const dir = join(work, `openai${openai}-${sdk.replace(' ', '')}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  await npm(dir, [
    'install',
    ...tarballs,
    `openai@^${openai}`,
    '@opentelemetry/api@^1.9',
    '@opentelemetry/context-async-hooks@' + (sdk === 'sdk 2' ? '^2' : '^3'),
    ...SDKS[sdk].deps,
  ]);
  writeFileSync(join(dir, 'app.mjs'), program(sdk, 'esm'));
  writeFileSync(join(dir, 'app.cjs'), program(sdk, 'cjs'));
  return dir;
}

async function runApp(dir: string, file: string, nodeBinary = process.execPath): Promise<unknown> {
  const { stdout } = await exec(nodeBinary, [file], {
    cwd: dir,
    env: { ...process.env, FAKE_BASE_URL: fake.baseURL },
  });
  return JSON.parse(stdout);
}

// 'hello': 5 prompt tokens; 16 completion tokens; the fake's 0.30 / 1.20 USD per 1M: 20,700 nano-USD.
const EXPECTED = {
  spans: [
    {
      name: 'chat deepseek/deepseek-chat',
      kind: 2,
      team: 'search',
      project: 'ranker',
      cost: 0.0000207,
      source: 'reported',
      inputTokens: 5,
      outputTokens: 16,
    },
  ],
  requests: [1],
  cost: [0.0000207],
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'genops-consumers-'));
  const packed = await npm(root, ['pack', ...PACKAGES.flatMap((p) => ['-w', p]), '--pack-destination', work]);
  tarballs = packed
    .trim()
    .split('\n')
    .map((name) => join(work, name.trim()));
  fake = await startFakeOpenRouter();
}, 120_000);

afterAll(async () => {
  await fake?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the packed @genops/instrumentation installed into a service', () => {
  // eventsource-parser (no dependencies of its own) reads a raw response's stream when the caller takes `.asResponse()`;
  // gpt-tokenizer (none either) counts OpenAI models' prompts for BudgetGuard, loaded only when one is admitted.
  it('pulls in nothing but @opentelemetry/api (its peer), our two small packages, a stream parser and OpenAI’s tokenizers', async () => {
    const dir = join(work, 'bare');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bare', private: true }));
    await npm(dir, [
      'install',
      tarballs.find((t) => t.includes('instrumentation'))!,
      ...tarballs.filter((t) => !t.includes('instrumentation')),
      '@opentelemetry/api@^1.9',
    ]);
    const modules = join(dir, 'node_modules');
    const installed = readdirSync(modules)
      .filter((name) => !name.startsWith('.'))
      .flatMap((name) =>
        name.startsWith('@') ? readdirSync(join(modules, name)).map((n) => `${name}/${n}`) : [name],
      )
      .sort();
    expect(installed).toEqual([
      '@genops/instrumentation',
      '@genops/pricing',
      '@genops/semconv',
      '@opentelemetry/api',
      'eventsource-parser',
      'gpt-tokenizer',
      'yaml',
    ]);
  }, 120_000);

  for (const openai of [6, 7] as const) {
    for (const sdk of ['sdk 2', 'sdk 3'] as const) {
      describe(`with openai ${openai} and OTel ${sdk}`, () => {
        let dir: string;
        beforeAll(async () => {
          dir = await consumer(openai, sdk);
        }, 180_000);

        it('gives one span and the metrics as an ES module', async () => {
          expect(await runApp(dir, 'app.mjs')).toEqual(EXPECTED);
        });

        it('gives one span and the metrics as CommonJS', async () => {
          expect(await runApp(dir, 'app.cjs')).toEqual(EXPECTED);
        });
      });
    }
  }

  // Services still on Node 20 (end of life) keep working with openai 6 and SDK 2, both of which still support it.
  it('works for a service still on Node 20 (openai 6, SDK 2)', async () => {
    const fetched = await exec(process.execPath, [join(root, 'scripts', 'with-node.mjs'), '--path', '20'], {
      maxBuffer: 1 << 20,
    });
    const node20 = fetched.stdout.trim();
    const { stdout } = await exec(node20, ['-p', 'process.versions.node.split(".")[0]']);
    expect(Number(stdout)).toBe(20);
    const dir = join(work, 'openai6-sdk2');
    expect(await runApp(dir, 'app.mjs', node20)).toEqual(EXPECTED);
    expect(await runApp(dir, 'app.cjs', node20)).toEqual(EXPECTED);
  }, 120_000);
});
