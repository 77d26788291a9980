// The package as services load it, in child processes: what importing it pulls in, and the OTel auto-instrumentation
// under a service's own NodeSDK, CommonJS and ES modules.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeOpenRouter, type FakeOpenRouter } from '@genops/fakes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
let fake: FakeOpenRouter;

beforeAll(async () => {
  fake = await startFakeOpenRouter();
});
afterAll(async () => fake.close());

async function node(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, args, {
    cwd: fixtures,
    env: { ...process.env, FAKE_BASE_URL: fake.baseURL },
  });
  return stdout;
}

async function loadedBy(specifier: string): Promise<string[]> {
  return JSON.parse(await node([join(fixtures, 'loaded-modules.mjs'), specifier])) as string[];
}

const SDK_OR_GRPC = /^@opentelemetry\/(?!api$)|^@grpc\/|^protobufjs$/;

describe('importing @genops/instrumentation', () => {
  it('loads @opentelemetry/api and our own small packages, no OTel SDK and no gRPC', async () => {
    const loaded = await loadedBy('@genops/instrumentation');
    expect(loaded.filter((name) => SDK_OR_GRPC.test(name))).toEqual([]);
    expect(loaded).toEqual(['@opentelemetry/api', 'yaml']);
  });

  it('leaves the SDK to @genops/setup, for services without one', async () => {
    const loaded = await loadedBy('@genops/setup');
    expect(loaded).toContain('@opentelemetry/sdk-trace');
    expect(loaded).toContain('@opentelemetry/sdk-metrics');
  });
});

interface Report {
  spans: { name: string; scope: string; team: string; provider: string; cost: number }[];
  points: Record<string, { attributes: Record<string, string>; value: number }[]>;
}

// 'hi' is 2 prompt tokens, 16 completion tokens by default, at the fake's 0.30 / 1.20 USD per 1M: 19,800 nano-USD.
const COST = 0.0000198;

function expectOneSpanPerCall(report: Report): void {
  const spans = [...report.spans].sort((a, b) => a.team.localeCompare(b.team));
  // One span per call — the client also wrapped by instrumentOpenAI gets no second one — on the SDK's provider.
  expect(spans).toEqual([
    {
      name: 'chat deepseek/deepseek-chat',
      scope: '@genops/instrumentation',
      team: 'ads',
      provider: 'openai',
      cost: COST,
    },
    {
      name: 'chat deepseek/deepseek-chat',
      scope: '@genops/instrumentation',
      team: 'search',
      provider: 'openai',
      cost: COST,
    },
  ]);
  const requests = report.points['genops.requests'] ?? [];
  expect(requests.map((p) => [p.attributes['genops.team'], p.value]).sort()).toEqual([
    ['ads', 1],
    ['search', 1],
  ]);
}

describe('GenOpsOpenAIInstrumentation registered with the service’s NodeSDK', () => {
  it('instruments openai loaded with require (CommonJS), one span per call', async () => {
    expectOneSpanPerCall(JSON.parse(await node(['auto-app.cjs'])) as Report);
  });

  it('instruments openai loaded with import (ES modules, OTel’s loader hook), one span per call', async () => {
    expectOneSpanPerCall(JSON.parse(await node(['--import', './auto-sdk.mjs', 'auto-app.mjs'])) as Report);
  });
});
