// Benchmark: events/s from Kafka into the durable ledger (SQLite, PostgreSQL) against a no-op kafkajs consumer
// reading the same topic in the same run (the ceiling), printed as ratios; then report latency p50/p95 for a
// 30-day groupBy=team,model over 1M and 10M ledger rows.
//   npm run bench:ledger     (BENCH_SPANS, BENCH_REPORT_ROWS=1000000,10000000 to change sizes)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as devstack from '@genops/devstack';
import {
  loadConfig,
  openLedger,
  percentile,
  startProcessor,
  type CostEvent,
  type CostLedger,
} from '@genops/processor';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

const SPANS = Number(process.env.BENCH_SPANS ?? 200_000);
const PER_MESSAGE = 200;
const REPORT_ROWS = (process.env.BENCH_REPORT_ROWS ?? '1000000,10000000').split(',').map(Number);
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function message(start: number, team: string, endMs: number): string {
  const spans = [];
  for (let i = start; i < start + PER_MESSAGE; i++) {
    const end = BigInt(endMs) * 1_000_000n;
    spans.push({
      traceId: hex(i, 32),
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

async function noopConsumerRate(kafka: Kafka, topic: string, messages: number): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bench-noop-${Date.now()}`, maxBytes: 16 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const started = performance.now();
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        seen += batch.messages.length;
        if (seen >= messages) resolve();
      },
    });
  });
  const seconds = (performance.now() - started) / 1000;
  await consumer.disconnect();
  return (messages * PER_MESSAGE) / seconds;
}

async function processorRate(brokers: string, topic: string, ledgerUrl: string): Promise<number> {
  const processor = await startProcessor(
    loadConfig({
      GENOPS_KAFKA_BROKERS: brokers,
      GENOPS_KAFKA_TOPIC: topic,
      GENOPS_KAFKA_GROUP: `bench-${Date.now()}`,
      GENOPS_LEDGER_URL: ledgerUrl,
      GENOPS_HTTP_PORT: '0',
    }),
  );
  const started = performance.now();
  const query = { fromMs: 0, toMs: Date.now() + 86_400_000, groupBy: [], filters: {} };
  for (;;) {
    const rows = await processor.ledger.aggregate(query);
    if (rows.reduce((n, r) => n + r.requests, 0) >= SPANS) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  await processor.stop();
  return SPANS / seconds;
}

function syntheticEvent(i: number, fromMs: number, spanMs: number): CostEvent {
  return {
    traceId: hex(i, 32),
    spanId: hex(i, 16),
    eventTimeMs: fromMs + Math.floor((i * 7919) % spanMs),
    team: `team-${i % 20}`,
    project: `project-${i % 50}`,
    customer: `customer-${i % 1000}`,
    feature: '',
    environment: 'production',
    costCenter: '',
    experiment: '',
    variant: '',
    model: `model-${i % 10}`,
    servedModel: `model-${i % 10}`,
    provider: 'openrouter',
    servedProvider: `provider-${i % 5}`,
    costNano: BigInt(1000 + (i % 5000)),
    costSource: 'reported',
    inputTokens: 30,
    outputTokens: 10,
    isError: i % 50 === 0,
    durationMs: 100,
    reservationId: '',
  };
}

async function reportLatency(
  ledger: CostLedger,
  rows: number,
  already: number,
): Promise<{ p50: number; p95: number }> {
  const now = Date.now();
  const from = now - 30 * 86_400_000;
  for (let i = already; i < rows; i += 10_000) {
    const batch = [];
    for (let j = i; j < Math.min(i + 10_000, rows); j++) batch.push(syntheticEvent(j, from, 30 * 86_400_000));
    await ledger.insertEvents(batch);
    if ((i / 10_000) % 100 === 0) log(`  filled ${i.toLocaleString('en')} rows`);
  }
  const times: number[] = [];
  for (let k = 0; k < 40; k++) {
    const started = performance.now();
    await ledger.aggregate({ fromMs: from + 1234, toMs: now, groupBy: ['team', 'model'], filters: {} });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function main(): Promise<void> {
  const stateDir = join(devstack.repoRoot(), '.devstack', `bench-${process.pid}`);
  const { endpoints } = await devstack.up({ stateDir, randomPorts: true, progress: log });
  try {
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
        batch.push({ value: message(k * PER_MESSAGE, 'bench', Date.now()) });
      await producer.send({ topic, messages: batch });
    }
    await producer.disconnect();

    const ceiling = await noopConsumerRate(kafka, topic, messages);
    const sqlite = await processorRate(
      endpoints.kafkaBrokers,
      topic,
      `sqlite:${join(mkdtempSync(join(tmpdir(), 'bench-')), 'l.db')}`,
    );
    const pgDb = `bench_${Date.now()}`;
    const client = new pg.Client({ connectionString: endpoints.postgresUrl });
    await client.connect();
    await client.query(`CREATE DATABASE ${pgDb}`);
    await client.end();
    const pgUrl = endpoints.postgresUrl.replace(/\/genops$/, `/${pgDb}`);
    const postgres = await processorRate(endpoints.kafkaBrokers, topic, pgUrl);
    console.log(
      `Kafka → ledger, ${SPANS.toLocaleString('en')} cost spans (${PER_MESSAGE} per message), same run:`,
    );
    console.log(`  no-op kafkajs consumer (ceiling) ${ceiling.toFixed(0).padStart(9)} events/s`);
    console.log(
      `  processor → SQLite ledger        ${sqlite.toFixed(0).padStart(9)} events/s   ratio ${(sqlite / ceiling).toFixed(2)} (target >= 0.50) ${sqlite / ceiling >= 0.5 ? 'OK' : 'MISSED'}`,
    );
    console.log(
      `  processor → PostgreSQL ledger    ${postgres.toFixed(0).padStart(9)} events/s   ratio ${(postgres / ceiling).toFixed(2)}`,
    );

    const ledger = await openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'bench-report-')), 'l.db')}`);
    let filled = 0;
    console.log('Report latency, 30-day groupBy=team,model (SQLite, hourly rollups + raw edges), 40 runs:');
    for (const rows of REPORT_ROWS) {
      log(`filling the ledger to ${rows.toLocaleString('en')} rows`);
      const { p50, p95 } = await reportLatency(ledger, rows, filled);
      filled = rows;
      console.log(
        `  ${rows.toLocaleString('en').padStart(11)} rows   p50 ${p50.toFixed(1).padStart(7)} ms   p95 ${p95.toFixed(1).padStart(7)} ms   (target p95 < 100 ms) ${p95 < 100 ? 'OK' : 'MISSED'}`,
      );
    }
    await ledger.close();
  } finally {
    await devstack.down(stateDir, { removeData: true });
  }
}

await main();
process.exit(0);
