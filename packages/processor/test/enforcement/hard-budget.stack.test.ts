// Hard means hard, under concurrency: three service processes — the real openai, @anthropic-ai/sdk and AI SDK clients,
// eight concurrent callers each, streamed and not — spend one hard budget through the whole pipeline (collector,
// Kafka, processor, ledger). The models answer 600 tokens when nothing stops them; the guard reserves for 200 unless
// the request says otherwise. Held by BudgetGuard (caps, stream extensions, cuts), the ledger's spend stays within
// limit + N × one chunk; the control — the same traffic admitted on its estimate alone, as other tools do — passes it.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeAnthropic, startFakeOpenRouter, until, type FakePrice } from '@genops/fakes';
import { PriceCatalog, usdToNanoUsd } from '@genops/instrumentation';
import { loadConfig } from '../../src/config.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { startProcessor, type RunningProcessor } from '../../src/serve.js';
import { freshDatabase } from '../support/postgres.js';
import { teamKey } from '../../src/budget/budget-scope.js';

const run = promisify(execFile);
const { endpoints } = inject('stack');
const CLIENT = join(import.meta.dirname, '..', 'support', 'hard-budget-client.ts');
const CLIENTS = ['openai', 'anthropic', 'ai-sdk'];
const CONCURRENCY = 8;
/** Calls in flight at once: every one of them may be one chunk past the limit when it is reached. */
const N = CLIENTS.length * CONCURRENCY;
const LIMIT_USD = 0.25;
const catalog = PriceCatalog.bundled();
const nano = (model: string, inputTokens: number, outputTokens: number) =>
  usdToNanoUsd(catalog.estimate(model, { inputTokens, outputTokens })!.usd);
/** One chunk is one output token in the fakes' streams: the dearest model's. */
const CHUNK_NANO = [nano('openai/gpt-4o', 0, 1), nano('claude-sonnet-4-5-20250929', 0, 1)].reduce((a, b) =>
  a > b ? a : b,
);
const usdPerMillion = (model: string): FakePrice => ({
  input: Number(nano(model, 1_000_000, 0)) / 1e9,
  output: Number(nano(model, 0, 1_000_000)) / 1e9,
});

interface Outcome {
  calls: number;
  cut: number;
  blocked: number;
}

interface Spend {
  /** The events the ledger recorded for the team, summed. */
  eventsNano: bigint;
  /** The budget's spend counter. */
  spentNano: bigint;
  /** Requests the fake LLM APIs answered. */
  llmRequests: number;
  outcomes: Outcome[];
}

/** One run of the traffic against a fresh hard budget on `ledgerUrl`, served by `processors` processors. */
async function spendHardBudget(
  ledgerUrl: string,
  processors: number,
  guard: 'held' | 'estimate-only',
): Promise<Spend> {
  const id = `${guard}-${Date.now().toString(36)}`;
  const team = `hard-${id}`;
  const openrouter = await startFakeOpenRouter({
    replyTokens: 600,
    prices: { 'openai/gpt-4o': usdPerMillion('openai/gpt-4o') },
  });
  const anthropic = await startFakeAnthropic({ replyTokens: 600 });
  const running: RunningProcessor[] = [];
  const ledger = await openLedger(ledgerUrl);
  try {
    for (let i = 0; i < processors; i++)
      running.push(
        await startProcessor(
          loadConfig({
            GENOPS_PRICE_SYNC_SOURCE: 'off',
            GENOPS_KAFKA_BROKERS: endpoints.kafkaBrokers,
            GENOPS_KAFKA_GROUP: `hard-budget-${id}`,
            GENOPS_LEDGER_URL: ledgerUrl,
            GENOPS_HTTP_PORT: '0',
          }),
        ),
      );
    const urls = running.map((p) => `http://127.0.0.1:${p.port}`);
    const put = await fetch(`${urls[0]}/v1/budgets/${team}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ period: 'daily', limitUsd: LIMIT_USD, enforcement: 'hard' }),
    });
    expect(put.status).toBe(200);
    const startAt = String(Date.now() + 4000);
    const outcomes = await Promise.all(
      CLIENTS.map(async (client, i) => {
        const { stdout } = await run(process.execPath, [CLIENT], {
          env: {
            ...process.env,
            CLIENT: client,
            GUARD: guard,
            TEAM: team,
            PROCESSOR_URL: urls[i % urls.length],
            OPENROUTER_URL: openrouter.baseURL,
            ANTHROPIC_URL: anthropic.baseURL,
            OTLP_ENDPOINT: endpoints.otlpGrpc,
            CONCURRENCY: String(CONCURRENCY),
            MAX_CALLS: '40',
            START_AT: startAt,
          },
        });
        return JSON.parse(stdout) as Outcome;
      }),
    );
    const llmRequests = openrouter.requests.length + anthropic.requests.length;
    const blocked = outcomes.reduce((n, o) => n + o.blocked, 0);
    const day = { fromMs: Date.now() - 86_400_000, toMs: Date.now() + 60_000 };
    const settled = await until(
      'every call counted and every reservation settled',
      async () => ({
        rows: await ledger.aggregate({ ...day, groupBy: ['team'], filters: { team } }),
        counters: (await ledger.counters(teamKey(team), Date.now()))!,
      }),
      (s) => s.rows[0]?.requests === llmRequests + blocked && s.counters.reservedNano === 0n,
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    return {
      eventsNano: settled.rows.reduce((n, r) => n + r.costNano, 0n),
      spentNano: settled.counters.spentNano,
      llmRequests,
      outcomes,
    };
  } finally {
    for (const p of running) await p.stop();
    await ledger.close();
    await openrouter.close();
    await anthropic.close();
  }
}

const LIMIT_NANO = usdToNanoUsd(LIMIT_USD);
const BOUND_NANO = LIMIT_NANO + BigInt(N) * CHUNK_NANO;

function report(engine: string, guard: string, spend: Spend): void {
  const over = Number(spend.eventsNano - LIMIT_NANO) / 1e9;
  process.stdout.write(
    `[hard budget] ${engine}, ${guard}: ${spend.llmRequests} LLM calls, spent ${Number(spend.eventsNano) / 1e9} USD ` +
      `of ${LIMIT_USD} (${over >= 0 ? '+' : ''}${over.toFixed(9)}; bound +${Number(BOUND_NANO - LIMIT_NANO) / 1e9}) ` +
      `${JSON.stringify(spend.outcomes)}\n`,
  );
}

describe.each([
  { engine: 'SQLite', processors: 1 },
  { engine: 'PostgreSQL', processors: 2 },
])('a hard budget spent by $processors processor(s) on $engine', ({ engine, processors }) => {
  let ledgerUrl: () => Promise<string>;
  beforeAll(() => {
    ledgerUrl =
      engine === 'SQLite'
        ? async () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-hard-')), 'ledger.db')}`
        : () => freshDatabase(endpoints.postgresUrl);
  });

  it('held by BudgetGuard: the ledger spends at most limit + N × one chunk, every call counted once', async () => {
    const spend = await spendHardBudget(await ledgerUrl(), processors, 'held');
    report(engine, 'held', spend);
    expect(spend.spentNano).toBe(spend.eventsNano);
    expect(spend.eventsNano <= BOUND_NANO).toBe(true);
    // The budget was spent, not merely approached: the last calls were capped, cut or blocked at its edge.
    expect(spend.eventsNano > LIMIT_NANO - 600n * CHUNK_NANO).toBe(true);
    expect(spend.outcomes.reduce((n, o) => n + o.blocked, 0)).toBe(N);
  });

  it('the control, admitted on the estimate alone: the same traffic passes the limit by more than that', async () => {
    const spend = await spendHardBudget(await ledgerUrl(), processors, 'estimate-only');
    report(engine, 'estimate-only', spend);
    expect(spend.spentNano).toBe(spend.eventsNano);
    expect(spend.eventsNano > BOUND_NANO).toBe(true);
  });
});
