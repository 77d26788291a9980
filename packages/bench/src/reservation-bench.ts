// Benchmark: budget admission at production rates, measured from outside. `genops serve` runs as its own process on
// a ledger preloaded with a month of spend (1,000,000 cost events, 50 teams with hard budgets, 10,000 live
// reservations); Vegeta drives it at fixed rates from processes of its own, GET /healthz in the same run as the
// baseline. Then two processors sharing PostgreSQL, then the latency BudgetGuard adds to one LLM call.
//   npm run bench:budgets     BENCH_EVENTS, BENCH_SECONDS (per phase), BENCH_SOAK_SECONDS (SQLite soak at 1,000 req/s)
import { join } from 'node:path';
import * as devstack from '@genops/devstack';
import { startFakeOpenRouter } from '@genops/fakes';
import { BudgetGuard, instrumentOpenAI, withGenOps } from '@genops/instrumentation';
import { percentile } from '@genops/processor';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import pg from 'pg';
import { describeLoad, fixedRate, type LoadTarget } from './load-generator.js';
import { preloadLedger, teamName, type PreloadOptions } from './preload.js';
import { scratchDir } from './scratch.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 0);
const ONLY = process.env.BENCH_ONLY; // sqlite | postgres
const TEAMS = 50;
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

// One body per team (and customer), cycled; short-lived like calls are, so expired reservations are swept while the
// load runs and the table stays bounded.
const RESERVATION_BODIES = Array.from({ length: TEAMS * 4 }, (_, i) =>
  JSON.stringify({
    team: teamName((i * 7) % TEAMS),
    customer: `customer-${i % 97}`,
    model: 'deepseek/deepseek-chat',
    estimatedCostUsd: 0.0001,
    ttlSeconds: 5,
  }),
);

/**
 * The budgets of the four-budget phase, beside each team's: the organisation's, a team × model budget per team, and
 * "each customer" — every call then has four budgets covering it, all hard, all admitting.
 */
const SCOPED_BUDGETS: [key: string, scope: object][] = [
  ['org', { org: true }],
  ['customer=*', { customer: '*' }],
  ...Array.from({ length: TEAMS }, (_, t): [string, object] => [
    `team=${teamName(t)}&model=deepseek/deepseek-chat`,
    { team: teamName(t), model: 'deepseek/deepseek-chat' },
  ]),
];

/** Puts the scoped budgets (`add`) or deletes them. */
async function scopedBudgets(url: string, add: boolean): Promise<void> {
  for (const [key, scope] of SCOPED_BUDGETS) {
    const res = await fetch(`${url}/v1/budget-scopes/${encodeURIComponent(key)}`, {
      method: add ? 'PUT' : 'DELETE',
      headers: { 'content-type': 'application/json' },
      ...(add
        ? { body: JSON.stringify({ period: 'monthly', enforcement: 'hard', limitUsd: 1_000_000, ...scope }) }
        : {}),
    });
    if (!res.ok)
      throw new Error(`${add ? 'PUT' : 'DELETE'} budget ${key}: HTTP ${res.status} ${await res.text()}`);
  }
}

const targets = (urls: string[], kind: 'health' | 'reserve'): LoadTarget[] =>
  urls.map((url) =>
    kind === 'health'
      ? { url, method: 'GET', path: '/healthz' }
      : { url, method: 'POST', path: '/v1/reservations', bodies: RESERVATION_BODIES },
  );
let vegeta = '';

async function startServers(
  count: number,
  env: Record<string, string>,
): Promise<devstack.ProcessorProcess[]> {
  const servers = [];
  for (let i = 0; i < count; i++) {
    const server = new devstack.ProcessorProcess(await devstack.freePort(), env);
    await server.start();
    servers.push(server);
  }
  return servers;
}

/**
 * Baseline and reservations at each rate, in one run against the same servers: each call under its team's budget
 * alone, then — the organisation's, a team × model and "each customer" budgets added — under four at once.
 */
async function measure(
  label: string,
  urls: string[],
  rates: { rate: number; targetMs: number }[],
  count: () => Promise<number>,
): Promise<void> {
  await fixedRate(vegeta, targets(urls, 'health'), 500, 2); // warm-up
  await fixedRate(vegeta, targets(urls, 'reserve'), 500, 2);
  console.log(`${label} — live reservations in the ledger before: ${(await count()).toLocaleString('en')}`);
  for (const [i, { rate, targetMs }] of rates.entries()) {
    const health = await fixedRate(vegeta, targets(urls, 'health'), rate, SECONDS);
    const reserve = await fixedRate(vegeta, targets(urls, 'reserve'), rate, SECONDS);
    console.log(describeLoad('GET /healthz (baseline)', health));
    console.log(describeLoad('POST /v1/reservations', reserve, targetMs));
    console.log(
      `  ${'ratio to baseline'.padEnd(26)} p50 ${(reserve.p50Ms / health.p50Ms).toFixed(2)}x   p99 ${(reserve.p99Ms / health.p99Ms).toFixed(2)}x`,
    );
    if (i > 0) continue;
    // At the first rate (the 1,000 req/s), right after the single-budget phase: before any rate past
    // saturation, whose queue a processor takes minutes to drain. The scoped budgets go again for the next rates.
    await scopedBudgets(urls[0]!, true);
    await fixedRate(vegeta, targets(urls, 'reserve'), 500, 2); // each customer's counter made, as in service
    const four = await fixedRate(vegeta, targets(urls, 'reserve'), rate, SECONDS);
    console.log(describeLoad('  … four budgets a call', four, targetMs));
    console.log(
      `  ${'four budgets / one'.padEnd(26)} p99 ${(four.p99Ms / reserve.p99Ms).toFixed(2)}x (organisation, team, team × model, each customer)`,
    );
    await scopedBudgets(urls[0]!, false);
  }
  console.log(
    `  live reservations in the ledger after: ${(await count()).toLocaleString('en')} (expired ones are swept)`,
  );
}

/** Per-call latency of an instrumented openai call against a local fake LLM, with and without the guard. */
async function guardOverhead(processorUrl: string): Promise<void> {
  const fake = await startFakeOpenRouter();
  const make = (guard?: BudgetGuard) =>
    instrumentOpenAI(new OpenAI({ baseURL: fake.baseURL, apiKey: 'k', maxRetries: 0 }), {
      provider: 'openrouter',
      env: {},
      ...(guard ? { budgetGuard: guard } : {}),
    });
  const guard = new BudgetGuard({ url: processorUrl });
  const clients = { plain: make(), guarded: make(guard) };
  const latencies = { plain: [] as number[], guarded: [] as number[] };
  for (let round = 0; round < 4; round++) {
    for (const kind of ['plain', 'guarded'] as const) {
      for (let i = 0; i < 500; i++) {
        const started = performance.now();
        await withGenOps({ team: teamName(i % 45) }, () =>
          clients[kind].chat.completions.create({
            model: 'deepseek/deepseek-chat',
            messages: [{ role: 'user', content: 'hi' }],
            max_tokens: 5,
          }),
        );
        if (round > 0) latencies[kind].push(performance.now() - started);
      }
    }
  }
  for (const l of Object.values(latencies)) l.sort((a, b) => a - b);
  const p = (kind: 'plain' | 'guarded', q: number) => percentile(latencies[kind], q);
  const added50 = p('guarded', 50) - p('plain', 50);
  const added99 = p('guarded', 99) - p('plain', 99);
  console.log(
    'BudgetGuard on an instrumented openai call against a local fake LLM (1,500 sequential calls each, same run):',
  );
  console.log(
    `  without guard   p50 ${p('plain', 50).toFixed(2).padStart(6)} ms   p99 ${p('plain', 99).toFixed(2).padStart(6)} ms`,
  );
  console.log(
    `  with guard      p50 ${p('guarded', 50).toFixed(2).padStart(6)} ms   p99 ${p('guarded', 99).toFixed(2).padStart(6)} ms`,
  );
  console.log(
    `  added           p50 ${added50.toFixed(2).padStart(6)} ms   p99 ${added99.toFixed(2).padStart(6)} ms   (targets < 1 ms / < 3 ms) ${added50 < 1 && added99 < 3 ? 'OK' : 'MISSED'}`,
  );
  guard.close();
  await fake.close();
}

type KafkaEnv = Record<string, string>;

/** SQLite: one processor at 1,000 and 2,000 req/s, BudgetGuard's overhead, and the optional soak. */
async function benchSqlite(
  preload: PreloadOptions,
  kafka: KafkaEnv,
  servers: devstack.ProcessorProcess[],
): Promise<void> {
  // SQLite: one processor.
  const path = join(scratchDir('bench-budgets'), 'ledger.db');
  log(`preloading SQLite (${EVENTS.toLocaleString('en')} events)`);
  await preloadLedger(`sqlite:${path}`, preload);
  const sqliteServers = await startServers(1, {
    ...kafka,
    GENOPS_LEDGER_URL: `sqlite:${path}`,
    GENOPS_KAFKA_GROUP: 'bench-sqlite',
  });
  servers.push(...sqliteServers);
  const sqliteDb = new Database(path, { readonly: true });
  const sqliteCount = async () =>
    (sqliteDb.prepare('SELECT COUNT(DISTINCT id) AS n FROM reservations').get() as { n: number }).n;
  await measure(
    'SQLite, one processor',
    sqliteServers.map((s) => s.url),
    [
      { rate: 1000, targetMs: 5 },
      { rate: 2000, targetMs: 10 },
    ],
    sqliteCount,
  );
  await guardOverhead(sqliteServers[0]!.url);
  if (SOAK_SECONDS > 0) {
    console.log(
      `Soak: SQLite at 1,000 req/s for ${SOAK_SECONDS}s — live reservations every 60 s (bounded: TTL 5 s, swept each second):`,
    );
    for (let done = 0; done < SOAK_SECONDS; done += 60) {
      const r = await fixedRate(
        vegeta,
        targets(
          sqliteServers.map((s) => s.url),
          'reserve',
        ),
        1000,
        Math.min(60, SOAK_SECONDS - done),
      );
      console.log(
        `  ${String(done + 60).padStart(5)} s   p99 ${r.p99Ms.toFixed(2)} ms   live reservations ${(await sqliteCount()).toLocaleString('en')}`,
      );
    }
  }
  sqliteDb.close();
  for (const s of sqliteServers) await s.stop();
}

/** PostgreSQL: two processors sharing one ledger, the load split between them. */
async function benchPostgres(
  postgresUrl: string,
  preload: PreloadOptions,
  kafka: KafkaEnv,
  servers: devstack.ProcessorProcess[],
): Promise<void> {
  // PostgreSQL: two processors sharing one ledger, the load split between them.
  const database = `bench_budgets_${Date.now()}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const pgUrl = postgresUrl.replace(/\/[^/]*$/, `/${database}`);
  log(`preloading PostgreSQL (${EVENTS.toLocaleString('en')} events)`);
  await preloadLedger(pgUrl, preload);
  const pgServers = await startServers(2, {
    ...kafka,
    GENOPS_LEDGER_URL: pgUrl,
    GENOPS_KAFKA_GROUP: 'bench-postgres',
  });
  servers.push(...pgServers);
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  const pgCount = async () =>
    Number((await client.query('SELECT COUNT(DISTINCT id) AS n FROM reservations')).rows[0].n);
  await measure(
    'PostgreSQL, two processors sharing the ledger',
    pgServers.map((s) => s.url),
    [{ rate: 1000, targetMs: 10 }],
    pgCount,
  );
  await client.end();
}

async function main(): Promise<void> {
  const stateDir = join(devstack.repoRoot(), '.devstack', `bench-budgets-${process.pid}`);
  vegeta = await devstack.ensureVegeta(log);
  const { endpoints } = await devstack.up({ stateDir, randomPorts: true, progress: log });
  const servers: devstack.ProcessorProcess[] = [];
  try {
    const preload: PreloadOptions = {
      events: EVENTS,
      teams: TEAMS,
      liveReservations: 10_000,
      exceededTeams: 5,
      nowMs: Date.now(),
    };
    const kafka = {
      GENOPS_KAFKA_BROKERS: endpoints.kafkaBrokers,
      GENOPS_KAFKA_TOPIC: `bench-budgets-${Date.now()}`,
    };
    console.log(
      `Budget admission from outside: genops serve in its own process, Vegeta at fixed rates (open model, keep-alive), ${SECONDS}s per phase;`,
    );
    console.log(
      `ledger preloaded with ${EVENTS.toLocaleString('en')} cost events over 30 days, ${TEAMS} teams with hard monthly budgets (5 exceeded: their calls are BLOCKED), 10,000 live reservations.`,
    );

    if (ONLY !== 'postgres') await benchSqlite(preload, kafka, servers);
    if (ONLY === 'sqlite') return;
    await benchPostgres(endpoints.postgresUrl, preload, kafka, servers);
  } finally {
    for (const s of servers) await s.stop();
    await devstack.down(stateDir, { removeData: true });
  }
}

await main();
process.exit(0);
