// Benchmark: where ingest's time goes, in one run. Cost spans in OTLP protobuf (what the collector writes) on a
// Kafka topic; printed per event: decode µs, ledger write µs, the cost of a commit; and events/s for
//   (a) a no-op consumer of the same client on the same topic (the ceiling),
//   (b) the durable write alone: the same events, in batches of the size the consumer's averaged in (c), written to
//       the ledger with no Kafka,
//   (c) the full pipeline: `genops serve` from Kafka into the ledger: all on the consumer's thread; decoding on a
//       thread of its own (GENOPS_DECODE_THREAD: PostgreSQL's default); (SQLite) two ingest threads each decoding and
//       writing batches in turn (GENOPS_INGEST_THREADS: SQLite's default),
// (b) and (c) measured in turn BENCH_ROUNDS times (default 3), each on a fresh ledger: the medians are compared, and
// the range is printed (one run of (b) alone varied by ±20 % here).
// with the targets: on SQLite (c) ≥ 0.5 × (a), or ≥ 0.8 × (b) where (b) itself is below 0.5 × (a); on PostgreSQL
// ≥ 0.3 × (a) or ≥ 0.8 × (b). Every ledger keeps a hard budget per team, so writes keep their counters too.
//   npm run bench:ingest     (BENCH_SPANS, default 600,000; BENCH_ROUNDS, default 3; BENCH_LEDGERS=sqlite or
//                            postgres measures one; BENCH_LAYOUTS=inline,ingest,decode the layouts of (c) to
//                            run; BENCH_CPU_PROFILE_DIR=<folder> profiles the consumer's thread in each run of (c))
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import type { EventLoopUtilization } from 'node:perf_hooks';
import * as devstack from '@genops/devstack';
import { decodeCostSpans, loadConfig, openLedger, startProcessor, type CostEvent } from '@genops/processor';
import { Admin, Consumer, Producer } from '@platformatic/kafka';
import pino from 'pino';
import { costMessage } from './cost-messages.js';
import { freshPostgres, putBudgets, teamName } from './preload.js';
import { median } from './median.js';
import { report, type Layout, type PipelineRun } from './ingest-report.js';
import { scratchSqliteUrl } from './scratch.js';

const SPANS = Number(process.env.BENCH_SPANS ?? 600_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LEDGERS = (process.env.BENCH_LEDGERS ?? 'sqlite,postgres').split(',');
/** A folder to write a CPU profile of the consumer's thread during each run of (c) into (opt-in). */
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE_DIR;
const PER_MESSAGE = 200;
const TEAMS = 50;
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

// Every rate is steady-state: counted from the first batch on, so none includes joining the group.
/** (a) A consumer of the processor's client (@platformatic/kafka) reading the whole topic, doing nothing with it. */
async function noopRate(brokers: string, topic: string, messages: number): Promise<number> {
  const consumer = new Consumer({
    clientId: 'bench',
    bootstrapBrokers: [brokers],
    groupId: `bench-noop-${Date.now()}`,
    autocommit: false,
    maxBytes: 16 * 1024 * 1024,
  });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
  let seen = 0;
  let first: { at: number; messages: number } | undefined;
  const ended = await new Promise<number>((resolve) => {
    stream.on('data', () => {
      seen++;
      first ??= { at: performance.now(), messages: seen };
      if (seen === messages) resolve(performance.now());
    });
  });
  await stream.close();
  await consumer.close(true);
  return ((messages - first!.messages) * PER_MESSAGE) / ((ended - first!.at) / 1000);
}

/** (b) The decoded events written in the consumer's batches: events/s, and a one-event commit's cost in ms. */
async function writeRate(url: string, batches: CostEvent[][]): Promise<{ rate: number; commitMs: number }> {
  const ledger = await openLedger(url);
  const started = performance.now();
  for (const batch of batches) await ledger.insertEvents(batch);
  const rate = batches.reduce((n, b) => n + b.length, 0) / ((performance.now() - started) / 1000);
  const single = batches[0]!.slice(0, 1).map((e) => ({ ...e, spanId: '' }));
  const commits: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await ledger.insertEvents(single.map((e) => ({ ...e, spanId: i.toString(16).padStart(16, '0') })));
    commits.push(performance.now() - t);
  }
  await ledger.close();
  commits.sort((a, b) => a - b);
  return { rate, commitMs: commits[100]! };
}

/**
 * (c) `genops serve` from the topic into the ledger: events/s once the first batch is in, and the events its
 * batches held on average (writes counted by its ledger-write histogram), for (b) to write the same batches.
 */
async function processorRate(
  brokers: string,
  topic: string,
  ledgerUrl: string,
  layout: Layout,
): Promise<PipelineRun> {
  const processor = await startProcessor(
    loadConfig({
      GENOPS_DECODE_THREAD: layout.decodeThread ? 'on' : 'off',
      GENOPS_INGEST_THREADS: layout.ingestThreads ? 'on' : 'off',
      GENOPS_PRICE_SYNC_SOURCE: 'off', // measured without a price fetch
      GENOPS_KAFKA_BROKERS: brokers,
      GENOPS_KAFKA_TOPIC: topic,
      GENOPS_KAFKA_GROUP: `bench-${Date.now()}`,
      GENOPS_LEDGER_URL: ledgerUrl,
      GENOPS_HTTP_PORT: '0',
    }),
    { logger: pino({ level: 'warn' }) },
  );
  const profiler = PROFILE_DIR ? new Session() : undefined;
  profiler?.connect();
  await profiler?.post('Profiler.enable');
  await profiler?.post('Profiler.start');
  const query = { fromMs: 0, toMs: Date.now() + 86_400_000, groupBy: [], filters: {} };
  let first:
    | {
        at: number;
        events: number;
        elu: EventLoopUtilization;
        thread: NodeJS.CpuUsage;
        process: NodeJS.CpuUsage;
      }
    | undefined;
  for (;;) {
    const events = (await processor.ledger.aggregate(query)).reduce((n, r) => n + r.requests, 0);
    if (events > 0)
      first ??= {
        at: performance.now(),
        events,
        elu: performance.eventLoopUtilization(),
        thread: process.threadCpuUsage(),
        process: process.cpuUsage(),
      };
    if (events >= SPANS) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - first!.at) / 1000;
  const busy = performance.eventLoopUtilization(first!.elu).utilization;
  const cpuUs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / (SPANS - first!.events);
  const threadCpuUs = cpuUs(process.threadCpuUsage(first!.thread));
  const processCpuUs = cpuUs(process.cpuUsage(first!.process));
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    const file = join(
      PROFILE_DIR!,
      `ingest-${ledgerUrl.split(':')[0]}-${layout.name.replaceAll(' ', '-')}-${Date.now()}.cpuprofile`,
    );
    writeFileSync(file, JSON.stringify(profile));
    profiler.disconnect();
    log(`CPU profile of the consumer's thread: ${file}`);
  }
  const metrics = await (await fetch(`http://127.0.0.1:${processor.port}/metrics`)).text();
  const histogram = (part: string) =>
    Number(
      new RegExp(`^genops_processor_ledger_write_seconds_${part} ([\\d.e+-]+)`, 'm').exec(metrics)?.[1] ?? 1,
    );
  const writes = histogram('count');
  await processor.stop();
  return {
    rate: (SPANS - first!.events) / seconds,
    batchEvents: Math.round(SPANS / writes),
    writeUs: (histogram('sum') * 1e6) / SPANS,
    busy,
    threadCpuUs,
    processCpuUs,
  };
}

/** Each engine's default last (SQLite: ingest threads; PostgreSQL, which has none: the decoding thread): (b) writes
 * batches of the size it wrote. */
const LAYOUTS: Layout[] = [
  { id: 'inline', name: "all on the consumer's thread", decodeThread: false, ingestThreads: false },
  {
    id: 'decode',
    name: 'a decoding thread (PostgreSQL: the default)',
    decodeThread: true,
    ingestThreads: false,
  },
  { id: 'ingest', name: 'two ingest threads (SQLite: the default)', decodeThread: true, ingestThreads: true },
].filter((l) => !process.env.BENCH_LAYOUTS || process.env.BENCH_LAYOUTS.split(',').includes(l.id));

/** Decodes every message once, timed: µs per event, and each message's events. */
function decodeAll(messages: Buffer[]): { decodeUs: number; decoded: CostEvent[][] } {
  const started = performance.now();
  const decoded = messages.map((m) => decodeCostSpans(m).events);
  const decodeUs = ((performance.now() - started) * 1000) / (messages.length * PER_MESSAGE);
  return { decodeUs, decoded };
}

/** The events in batches of `size` events, as the consumer wrote them. */
function batchesOf(decoded: CostEvent[][], size: number): CostEvent[][] {
  const all = decoded.flat();
  const batches: CostEvent[][] = [];
  for (let i = 0; i < all.length; i += size) batches.push(all.slice(i, i + size));
  return batches;
}

async function main(): Promise<void> {
  const stateDir = join(devstack.repoRoot(), '.devstack', `bench-ingest-${process.pid}`);
  const { endpoints } = await devstack.up({ stateDir, randomPorts: true, progress: log });
  try {
    const client = { clientId: 'bench', bootstrapBrokers: [endpoints.kafkaBrokers] };
    const topic = `bench-ingest-${Date.now()}`;
    const admin = new Admin(client);
    await admin.createTopics({ topics: [topic], partitions: 6 });
    await admin.close();
    const count = SPANS / PER_MESSAGE;
    log(`making ${SPANS.toLocaleString('en')} cost spans in ${count} OTLP protobuf messages`);
    const messages = Array.from({ length: count }, (_, k) =>
      costMessage(teamName(k % TEAMS), PER_MESSAGE, Date.now()),
    );
    const producer = new Producer(client);
    for (let m = 0; m < count; m += 50)
      await producer.send({ messages: messages.slice(m, m + 50).map((value) => ({ topic, value })) });
    await producer.close();

    const { decodeUs, decoded } = decodeAll(messages);
    const ceiling = await noopRate(endpoints.kafkaBrokers, topic, count);
    const budgets = { teams: TEAMS, exceededTeams: 0, nowMs: Date.now() };
    const engines = [];
    for (const [name, dialect, target] of [
      ['SQLite', 'sqlite', 0.5],
      ['PostgreSQL', 'postgres', 0.3],
    ] as const) {
      if (!LEDGERS.includes(dialect)) continue;
      const fresh = async () => {
        const url =
          dialect === 'sqlite'
            ? scratchSqliteUrl('bench-ingest')
            : await freshPostgres(endpoints.postgresUrl);
        await putBudgets(url, budgets);
        return url;
      };
      const writes: { rate: number; commitMs: number }[] = [];
      // Ingest threads are SQLite's alone (PostgreSQL's write leaves the consumer's thread free already).
      const layouts = LAYOUTS.filter((l) => dialect === 'sqlite' || !l.ingestThreads);
      const pipelines = layouts.map((layout) => ({ layout, runs: [] as PipelineRun[] }));
      for (let round = 1; round <= ROUNDS; round++) {
        log(
          `${name}, round ${round}/${ROUNDS}: the pipeline (${layouts.map((l) => l.name).join('; ')}), then its batches written alone (fresh ledgers)`,
        );
        for (const { layout, runs } of pipelines)
          runs.push(await processorRate(endpoints.kafkaBrokers, topic, await fresh(), layout));
        // (b) writes batches of the size the default layout (the last) wrote.
        const batchEvents = pipelines.at(-1)!.runs.at(-1)!.batchEvents;
        writes.push(await writeRate(await fresh(), batchesOf(decoded, batchEvents)));
      }
      engines.push({
        name,
        target,
        batchEvents: median(pipelines.at(-1)!.runs.map((p) => p.batchEvents)),
        writes,
        pipelines,
      });
    }
    const setup = { spans: SPANS, perMessage: PER_MESSAGE, teams: TEAMS, rounds: ROUNDS };
    report(setup, decodeUs, ceiling, engines);
  } finally {
    await devstack.down(stateDir, { removeData: true });
  }
}

await main();
process.exit(0);
