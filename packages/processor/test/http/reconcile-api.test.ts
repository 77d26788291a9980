// `genops reconcile` and its API (POST /v1/reconciliation/run, GET /v1/reconciliation) against a fake OpenRouter.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startFakeOpenRouter, type FakeOpenRouter } from '@genops/fakes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetService } from '../../src/budget/budget-service.js';
import { createApp } from '../../src/http/app.js';
import { decodeCostSpans } from '../../src/decode/decode-cost-spans.js';
import { listenApp, type Listening } from '../../src/http/listen.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { ProcessorMetrics } from '../../src/metrics.js';
import { ReconciliationJob } from '../../src/reconcile/reconciliation-job.js';
import { reconciliationPolicy } from '../../src/reconcile/reconcile-policy.js';
import type { CostLedger } from '../../src/ledger/cost-ledger.js';
import type { ReconciliationReport } from '../../src/reconcile/reconciliation-report.js';
import { AS_SENT } from '../support/ledger-contract.js';
import { otlpMessage, otlpSpan } from '../support/otlp.js';

const execFileAsync = promisify(execFile);
const KEY = 'sk-or-v1-test';
const MODEL = 'openai/gpt-4o-mini';
const DAY = 86_400_000;
let fake: FakeOpenRouter;
let ledger: CostLedger;
let job: ReconciliationJob;
let server: Listening;
const ids: string[] = [];
const from = new Date(Date.now() - DAY).toISOString();
const to = new Date(Date.now() + DAY).toISOString();

beforeAll(async () => {
  fake = await startFakeOpenRouter({
    apiKey: KEY,
    prices: { [MODEL]: { input: 0.15, output: 0.6 } },
    billedPrices: { [MODEL]: { input: 0.15, output: 0.6 } },
  });
  ledger = await openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-recon-api-')), 'l.db')}`);
  // Three calls whose cost was estimated: 10 % low, exact, and 20 % high.
  for (const [i, factor] of [0.9, 1, 1.2].entries()) {
    const response = await fetch(`${fake.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fake-no-cost': '1' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'x'.repeat(1000) }] }),
    });
    const { id } = (await response.json()) as { id: string };
    ids.push(id);
    const span = otlpSpan({
      model: MODEL,
      servedProvider: 'FakeProvider',
      costUsd: (159_600 * factor) / 1e9, // billed: 159,600 nano-USD each
      costSource: 'estimated',
      generationId: id,
      endMs: Date.now() + i,
    });
    await ledger.insertEvents(
      decodeCostSpans(otlpMessage([span]), { catalog: AS_SENT, reconcile: reconciliationPolicy(0) }).events,
    );
  }
  const metrics = new ProcessorMetrics();
  job = new ReconciliationJob(
    ledger,
    {
      apiKey: KEY,
      url: fake.baseURL,
      sampleRate: 0,
      ratePerSecond: 100,
      intervalMs: 3_600_000,
      retryBaseMs: 1000,
      giveUpAfterMs: DAY,
    },
    metrics,
    () => {},
  );
  server = await listenApp(
    createApp({
      ledger,
      budgets: new BudgetService(ledger),
      metrics,
      apiTokens: ['admin-secret', 'team-secret:read+manage@search'],
      kafkaReady: async () => {},
      reconciliation: job,
    }),
    '127.0.0.1',
    0,
  );
});

afterAll(async () => {
  await job?.stop();
  await server?.close();
  await ledger?.close();
  await fake?.close();
});

const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
const admin = { authorization: 'Bearer admin-secret' };

describe('reconciliation API and CLI', () => {
  it('runs on request and reports recorded vs billed, with each changed call', async () => {
    const response = await fetch(url(`/v1/reconciliation/run?from=${from}&to=${to}`), {
      method: 'POST',
      headers: admin,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as ReconciliationReport & { run: unknown };
    expect(body.run).toEqual({ matched: 1, adjusted: 2, notYet: 0, retried: 0, refused: 0, unavailable: 0 });
    expect(body.groups).toEqual([
      {
        model: MODEL,
        provider: 'FakeProvider',
        calls: 3,
        recordedUsd: 0.00049476, // 143,640 + 159,600 + 191,520 nano-USD
        billedUsd: 0.0004788,
        adjustmentUsd: -0.00001596,
      },
    ]);
    expect(body.totals).toEqual({
      calls: 3,
      recordedUsd: 0.00049476,
      billedUsd: 0.0004788,
      adjustmentUsd: -0.00001596,
    });
    expect([body.pending, body.unavailable]).toEqual([0, 0]);
    expect(body.changes.map((c) => [c.generationId, c.recordedUsd, c.billedUsd, c.adjustmentUsd])).toEqual([
      [ids[0], 0.00014364, 0.0001596, 0.00001596],
      [ids[2], 0.00019152, 0.0001596, -0.00003192],
    ]);
    // The report (the ledger) now says what the bill says.
    const report = (await (
      await fetch(url(`/v1/reports/cost?from=${from}&to=${to}`), { headers: admin })
    ).json()) as { totals: { costUsd: number; requests: number } };
    expect(report.totals).toMatchObject({ costUsd: 0.0004788, requests: 3 });
  });

  it('prints the same through `genops reconcile`, and again from the report alone', async () => {
    const cli = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
    const env = { ...process.env, GENOPS_URL: url(''), GENOPS_TOKEN: 'admin-secret' };
    const { stdout } = await execFileAsync(
      process.execPath,
      [cli, 'reconcile', '--from', from, '--to', to, '--report-only'],
      { env },
    );
    expect(stdout.split('\n')).toEqual([
      `Reconciliation with OpenRouter's bill, calls ${from} → ${to}`,
      'model               served by     calls  recorded USD   billed USD  adjustment USD',
      '------------------  ------------  -----  ------------  -----------  --------------',
      'openai/gpt-4o-mini  FakeProvider      3   0.000494760  0.000478800    -0.000015960',
      'TOTAL                                 3   0.000494760  0.000478800    -0.000015960',
      'pending 0 (bill not read yet) · unavailable 0 (given up)',
      '',
      'Changed: 2',
      `generation${' '.repeat(ids[0]!.length - 10)}  time                      model               cost source  recorded USD   billed USD  adjustment USD`,
      `${'-'.repeat(ids[0]!.length)}  ------------------------  ------------------  -----------  ------------  -----------  --------------`,
      expect.stringMatching(
        new RegExp(
          `^${ids[0]}  \\S+  openai/gpt-4o-mini  estimated     0.000143640  0.000159600    \\+0.000015960$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^${ids[2]}  \\S+  openai/gpt-4o-mini  estimated     0.000191520  0.000159600    -0.000031920$`,
        ),
      ),
      '',
    ]);
    // A second run looks nothing up again.
    const lookups = fake.lookups.length;
    await execFileAsync(process.execPath, [cli, 'reconcile', '--from', from, '--to', to, '--json'], { env });
    expect(fake.lookups.length).toBe(lookups);
  });

  it('refuses a team-scoped token, a bad time and an unknown parameter, naming each', async () => {
    const scoped = await fetch(url(`/v1/reconciliation`), {
      headers: { authorization: 'Bearer team-secret' },
    });
    expect(scoped.status).toBe(403);
    expect(((await scoped.json()) as { error: { message: string } }).error.message).toBe(
      'this token (token 2) is scoped to teams; reconciliation covers every team',
    );
    const bad = await fetch(url(`/v1/reconciliation?from=yesterday`), { headers: admin });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: { field: string } } }).error.details.field).toBe(
      'from',
    );
    const unknown = await fetch(url(`/v1/reconciliation/run?team=search`), {
      method: 'POST',
      headers: admin,
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { details: { field: string } } }).error.details.field).toBe(
      'team',
    );
  });

  it('answers 409 naming the setting when reconciliation is off', async () => {
    const app = createApp({
      ledger,
      budgets: new BudgetService(ledger),
      metrics: new ProcessorMetrics(),
      apiTokens: [],
      kafkaReady: async () => {},
    });
    const response = await app.request('/v1/reconciliation/run', { method: 'POST' });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: {
        code: 'RECONCILIATION_OFF',
        message: 'reconciliation is off: start the processor with GENOPS_OPENROUTER_API_KEY set',
      },
    });
  });
});
