// Benchmark: reservation latency p50/p99 under a paced 1,000 requests/s on loopback, against a trivial endpoint
// (GET /healthz) paced the same way in the same run; then the latency BudgetGuard adds to one LLM call.
//   npm run bench:budgets -w @genops/processor    (BENCH_RPS, BENCH_SECONDS to change the load)
import { mkdtempSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BudgetService } from '../budget/budget-service.js';
import { createApp } from '../http/app.js';
import { listenApp } from '../http/listen.js';
import { openLedger } from '../ledger/open-ledger.js';
import { ProcessorMetrics } from '../metrics.js';
import { percentile } from '../report/cost-report.js';

const RPS = Number(process.env.BENCH_RPS ?? 1000);
// A bounded keep-alive pool, as a real client (BudgetGuard in a service) would use.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function httpCall(url: string, method: string, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method, agent, headers: body ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () => resolve(data));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

async function paced(
  request: () => Promise<void>,
): Promise<{ p50: number; p99: number; achievedRps: number }> {
  const total = RPS * SECONDS;
  const latencies: number[] = [];
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RPS;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      (async () => {
        const t = performance.now();
        await request();
        latencies.push(performance.now() - t);
      })(),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), achievedRps: total / elapsed };
}

async function main(): Promise<void> {
  const ledger = await openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'bench-res-')), 'l.db')}`);
  const budgets = new BudgetService(ledger);
  await budgets.put('bench', { period: 'daily', limitUsd: 1_000_000, enforcement: 'hard' });
  const app = createApp({
    ledger,
    budgets,
    metrics: new ProcessorMetrics(),
    apiTokens: [],
    kafkaReady: async () => {},
  });
  const { url, close } = await listenApp(app, '127.0.0.1', 0);
  const body = JSON.stringify({
    team: 'bench',
    model: 'deepseek/deepseek-chat',
    estimatedCostUsd: 0.001,
    ttlSeconds: 60,
  });

  const health = () => httpCall(`${url}/healthz`, 'GET').then(() => undefined);
  const reserve = () =>
    httpCall(`${url}/v1/reservations`, 'POST', body).then((text) => {
      if ((JSON.parse(text) as { decision: string }).decision === 'BLOCKED')
        throw new Error('unexpected BLOCKED');
    });
  await paced(health); // warm-up
  const baseline = await paced(health);
  const reservations = await paced(reserve);
  console.log(
    `Reservations at ${RPS} requests/s for ${SECONDS}s on loopback (client and server in one process, 64 keep-alive sockets), same run:`,
  );
  console.log(
    `  GET /healthz (baseline)     p50 ${baseline.p50.toFixed(2).padStart(6)} ms   p99 ${baseline.p99.toFixed(2).padStart(6)} ms   (${baseline.achievedRps.toFixed(0)} req/s)`,
  );
  console.log(
    `  POST /v1/reservations       p50 ${reservations.p50.toFixed(2).padStart(6)} ms   p99 ${reservations.p99.toFixed(2).padStart(6)} ms   (${reservations.achievedRps.toFixed(0)} req/s)   p99 target < 5 ms ${reservations.p99 < 5 ? 'OK' : 'MISSED'}`,
  );
  console.log(
    `  ratio reservation/baseline  p50 ${(reservations.p50 / baseline.p50).toFixed(2)}x   p99 ${(reservations.p99 / baseline.p99).toFixed(2)}x`,
  );

  // BudgetGuard's added latency per LLM call: the same instrumented openai call with and without the guard.
  const devstack = (await import('@genops/devstack' as string)) as {
    startFakeOpenRouter(): Promise<{ baseURL: string; close(): Promise<void> }>;
  };
  const { BudgetGuard, instrumentOpenAI, withGenOps } = await import('@genops/instrumentation');
  const { default: OpenAI } = await import('openai');
  const fake = await devstack.startFakeOpenRouter();
  const make = (guard?: InstanceType<typeof BudgetGuard>) =>
    instrumentOpenAI(new OpenAI({ baseURL: fake.baseURL, apiKey: 'k', maxRetries: 0 }), {
      provider: 'openrouter',
      env: {},
      ...(guard ? { budgetGuard: guard } : {}),
    });
  const plain = make();
  const guarded = make(new BudgetGuard({ url }));
  const call = (client: ReturnType<typeof make>) =>
    withGenOps({ team: 'bench' }, () =>
      client.chat.completions.create({
        model: 'deepseek/deepseek-chat',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 5,
      }),
    );
  const time = async (client: ReturnType<typeof make>, n: number) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) await call(client);
    return (performance.now() - t) / n;
  };
  await time(plain, 100);
  await time(guarded, 100);
  let without = Infinity;
  let withGuard = Infinity;
  for (let round = 0; round < 3; round++) {
    without = Math.min(without, await time(plain, 300));
    withGuard = Math.min(withGuard, await time(guarded, 300));
  }
  console.log('BudgetGuard on an instrumented openai call against a local fake LLM (best of 3 × 300 calls):');
  console.log(
    `  without guard ${without.toFixed(2).padStart(7)} ms/call   with guard ${withGuard.toFixed(2).padStart(7)} ms/call   added ${(withGuard - without).toFixed(2)} ms (${(withGuard / without).toFixed(2)}x)`,
  );
  await fake.close();
  await close();
  await ledger.close();
}

await main();
process.exit(0);
