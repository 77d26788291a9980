// Benchmark: events/s from Kafka into the durable ledger (SQLite, PostgreSQL) against a no-op kafkajs consumer
// reading the same topic in the same run (the ceiling), printed as ratios; then report latency p50/p95 for a
// 30-day groupBy=team,model over 1M and 10M ledger rows, with each size's ratio to the 1M figure.
//   npm run bench:ledger     (BENCH_SPANS; BENCH_REPORT_ROWS=1000000,10000000,100000000 adds 100M;
//                             BENCH_ONLY=report skips the ingest part)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as devstack from '@genops/devstack';
import { decodeCostSpans, loadConfig, openLedger, percentile, startProcessor } from '@genops/processor';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import pino from 'pino';
import { loadEvents, putBudgets, teamName } from './preload.js';

const SPANS = Number(process.env.BENCH_SPANS ?? 600_000);
const PER_MESSAGE = 200;
const REPORT_ROWS = (process.env.BENCH_REPORT_ROWS ?? '1000000,10000000').split(',').map(Number);
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
// Trace ids as SDKs make them: random, so ledger inserts land all over the identity index, as in production.
const traceId = (i: number) => `${hex((i * 2654435761) % 4294967296, 8)}${hex(i, 24)}`;

function message(start: number, team: string, endMs: number): string {
  const spans = [];
  for (let i = start; i < start + PER_MESSAGE; i++) {
    const end = BigInt(endMs) * 1_000_000n;
    spans.push({
      traceId: traceId(i),
      spanId: hex(i + 1, 16),
      name: 'chat deepseek/deepseek-chat',
      startTimeUnixNano: (end - 100_000_000n).toString(),
      endTimeUnixNano: end.toString(),
      attributes: [
        { key: 'genops.team', value: { stringValue: team } },
        { key: 'genops.model', value: { stringValue: 'deepseek/deepseek-chat' } },
        { key: 'genops.provider', value: { stringValue: 'openrouter' } },
        { key: 'genops.cost.total', value: { doubleValue: 0.000021 } },
        { key: 'genops.tokens.input', value: { intValue: '30' } },
        { key: 'genops.tokens.output', value: { intValue: '10' } },
      ],
    });
  }
  return JSON.stringify({ resourceSpans: [{ resource: {}, scopeSpans: [{ spans }] }] });
}

// Every rate is steady-state: counted from the first batch on, so none includes joining the group.
/** A kafkajs consumer reading the whole topic, doing `work` with each message and nothing else. */
async function consumerRate(
  kafka: Kafka,
  topic: string,
  messages: number,
  work: (value: Buffer) => void,
): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bench-consumer-${Date.now()}`, maxBytes: 16 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let first: { at: number; messages: number } | undefined;
  const ended = await new Promise<number>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) work(m.value!);
        seen += batch.messages.length;
        first ??= { at: performance.now(), messages: seen };
        if (seen >= messages) resolve(performance.now());
      },
    });
  });
  await consumer.disconnect();
  return ((messages - first!.messages) * PER_MESSAGE) / ((ended - first!.at) / 1000);
}

async function processorRate(brokers: string, topic: string, ledgerUrl: string): Promise<number> {
  const processor = await startProcessor(
    loadConfig({
      GENOPS_PRICE_SYNC_SOURCE: 'off', // measured without a price fetch
      GENOPS_KAFKA_BROKERS: brokers,
      GENOPS_KAFKA_TOPIC: topic,
      GENOPS_KAFKA_GROUP: `bench-${Date.now()}`,
      GENOPS_LEDGER_URL: ledgerUrl,
      GENOPS_HTTP_PORT: '0',
    }),
    { logger: pino({ level: 'warn' }) },
  );
  const query = { fromMs: 0, toMs: Date.now() + 86_400_000, groupBy: [], filters: {} };
  let first: { at: number; events: number } | undefined;
  for (;;) {
    const events = (await processor.ledger.aggregate(query)).reduce((n, r) => n + r.requests, 0);
    if (events > 0) first ??= { at: performance.now(), events };
    if (events >= SPANS) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - first!.at) / 1000;
  await processor.stop();
  return (SPANS - first!.events) / seconds;
}

/** p50/p95 of a 30-day groupBy=team,model report (both edges partial hours) over a ledger of `rows` events. */
async function reportLatency(url: string, rows: number): Promise<{ p50: number; p95: number }> {
  const now = Date.now();
  await loadEvents(url, { events: rows, teams: 20, nowMs: now });
  const ledger = await openLedger(url);
  const times: number[] = [];
  for (let k = 0; k < 45; k++) {
    const started = performance.now();
    await ledger.aggregate({
      fromMs: now - 30 * 86_400_000 + 1234,
      toMs: now - 5678,
      groupBy: ['team', 'model'],
      filters: {},
    });
    if (k >= 5) times.push(performance.now() - started);
  }
  await ledger.close();
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function freshPostgres(serverUrl: string): Promise<string> {
  const name = `bench_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return serverUrl.replace(/\/[^/]*$/, `/${name}`);
}

async function main(): Promise<void> {
  const stateDir = join(devstack.repoRoot(), '.devstack', `bench-${process.pid}`);
  const { endpoints } = await devstack.up({ stateDir, randomPorts: true, progress: log });
  try {
    if (process.env.BENCH_ONLY !== 'report') await ingestRates(endpoints);
    await reportLatencies(endpoints);
  } finally {
    await devstack.down(stateDir, { removeData: true });
  }
}

async function ingestRates(endpoints: devstack.StackEndpoints): Promise<void> {
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: [endpoints.kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  const topic = `bench-${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const messages = SPANS / PER_MESSAGE;
  log(`producing ${SPANS.toLocaleString('en')} cost spans in ${messages} messages`);
  for (let m = 0; m < messages; m += 50) {
    const batch = [];
    for (let k = m; k < Math.min(m + 50, messages); k++)
      batch.push({ value: message(k * PER_MESSAGE, teamName(k % 50), Date.now()) });
    await producer.send({ topic, messages: batch });
  }
  await producer.disconnect();

  const ceiling = await consumerRate(kafka, topic, messages, () => {});
  const decodeOnly = await consumerRate(kafka, topic, messages, (value) => decodeCostSpans(value));
  // Ledgers with a hard budget per team, so ingest keeps their counters too.
  const budgets = { teams: 50, exceededTeams: 0, nowMs: Date.now() };
  const sqliteUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), 'bench-')), 'l.db')}`;
  await putBudgets(sqliteUrl, budgets);
  const sqlite = await processorRate(endpoints.kafkaBrokers, topic, sqliteUrl);
  const pgUrl = await freshPostgres(endpoints.postgresUrl);
  await putBudgets(pgUrl, budgets);
  const postgres = await processorRate(endpoints.kafkaBrokers, topic, pgUrl);
  const rate = (name: string, r: number, target?: number) =>
    console.log(
      `  ${name.padEnd(40)} ${r.toFixed(0).padStart(9)} events/s   ratio ${(r / ceiling).toFixed(2)}${target === undefined ? '' : ` (target >= ${target.toFixed(2)}) ${r / ceiling >= target ? 'OK' : 'MISSED'}`}`,
    );
  console.log(
    `Kafka → ledger, ${SPANS.toLocaleString('en')} cost spans (${PER_MESSAGE} per message, random trace ids, 50 teams with budgets), steady state, same run:`,
  );
  rate('no-op kafkajs consumer (ceiling)', ceiling);
  rate('consumer that only decodes (no ledger)', decodeOnly);
  rate('processor → SQLite ledger', sqlite, 0.5);
  rate('processor → PostgreSQL ledger', postgres, 0.3);
}

async function reportLatencies(endpoints: devstack.StackEndpoints): Promise<void> {
  console.log(
    'Report latency, 30-day groupBy=team,model, both edges partial hours (daily and hourly rollups + raw edges), 40 runs:',
  );
  const first = new Map<string, number>();
  for (const rows of REPORT_ROWS) {
    for (const [name, url] of [
      ['SQLite', `sqlite:${join(mkdtempSync(join(tmpdir(), 'bench-report-')), 'l.db')}`],
      ['PostgreSQL', await freshPostgres(endpoints.postgresUrl)],
    ] as const) {
      log(`loading ${rows.toLocaleString('en')} rows into ${name}`);
      const { p50, p95 } = await reportLatency(url, rows);
      if (!first.has(name)) first.set(name, p95);
      const ratio = p95 / first.get(name)!;
      console.log(
        `  ${name.padEnd(10)} ${rows.toLocaleString('en').padStart(11)} rows   p50 ${p50.toFixed(1).padStart(7)} ms   p95 ${p95.toFixed(1).padStart(7)} ms (target < 50 ms) ${p95 < 50 ? 'OK' : 'MISSED'}   p95 / first size ${ratio.toFixed(2)} (target <= 1.3) ${ratio <= 1.3 ? 'OK' : 'MISSED'}`,
      );
    }
  }
}

await main();
process.exit(0);
