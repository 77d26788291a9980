// bench:ingest's report (ingest-bench.ts): the rates of (a), (b) and each layout of (c) against the targets, with
// where each run of (c) spent its time.
import { median } from './median.js';

/** Where (c) decodes and writes: GENOPS_DECODE_THREAD and GENOPS_INGEST_THREADS. */
export interface Layout {
  /** What BENCH_LAYOUTS calls it. */
  id: string;
  name: string;
  decodeThread: boolean;
  ingestThreads: boolean;
}

/** A run of (c): events/s; the events its batches held on average; its own ledger write, µs an event; the share of
 * the time its event loop was busy (the consumer's thread: the bench runs the processor in its own process). */
export interface PipelineRun {
  rate: number;
  batchEvents: number;
  writeUs: number;
  busy: number;
  /** CPU µs an event: the consumer's thread's; all the process's threads' together. */
  threadCpuUs: number;
  processCpuUs: number;
}

export interface EngineRun {
  name: string;
  target: number;
  batchEvents: number;
  writes: { rate: number; commitMs: number }[];
  /** (c), in each layout of threads. */
  pipelines: { layout: Layout; runs: PipelineRun[] }[];
}

/** What a run was: spans in all, spans a message, teams, rounds. */
export interface IngestSetup {
  spans: number;
  perMessage: number;
  teams: number;
  rounds: number;
}

export function report(
  { spans, perMessage, teams, rounds }: IngestSetup,
  decodeUs: number,
  ceiling: number,
  engines: EngineRun[],
): void {
  const range = (xs: number[]) =>
    xs.length > 1
      ? `  (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} over ${xs.length} rounds)`
      : '';
  const line = (name: string, rate: number, extra = '') =>
    console.log(
      `  ${name.padEnd(44)} ${rate.toFixed(0).padStart(9)} events/s   ${(rate / ceiling).toFixed(2)} × (a)${extra}`,
    );
  console.log(
    `Kafka → ledger, ${spans.toLocaleString('en')} cost spans in OTLP protobuf (${perMessage} a message, random trace ids, ${teams} teams with hard budgets), same run, medians of ${rounds} rounds:`,
  );
  console.log(`  decode: ${decodeUs.toFixed(2)} µs an event`);
  for (const e of engines) {
    const rate = median(e.writes.map((w) => w.rate));
    console.log(
      `  ${e.name} ledger write: ${(1e6 / rate).toFixed(2)} µs an event in the consumer's batches (${e.batchEvents} events on average); a one-event commit ${median(e.writes.map((w) => w.commitMs)).toFixed(2)} ms (median)`,
    );
  }
  line('(a) no-op @platformatic/kafka consumer (the ceiling)', ceiling);
  for (const e of engines) {
    const write = median(e.writes.map((w) => w.rate));
    line(`(b) ${e.name}: the durable write alone`, write, range(e.writes.map((w) => w.rate)));
    for (const { layout, runs } of e.pipelines) {
      const rates = runs.map((r) => r.rate);
      const pipeline = median(rates);
      const ofA = pipeline / ceiling;
      const ofB = pipeline / write;
      // SQLite: ≥ 0.5 × (a), or ≥ 0.8 × (b) where (b) is itself below 0.5 × (a). PostgreSQL: ≥ 0.3 × (a) or ≥ 0.8 × (b).
      const sqlite = e.name === 'SQLite';
      const met = ofA >= e.target || (ofB >= 0.8 && (!sqlite || write / ceiling < e.target));
      const rule = sqlite ? `or ≥ 0.8 × (b) where (b) < ${e.target} × (a)` : 'or ≥ 0.8 × (b)';
      line(
        `(c) ${e.name}: genops serve, ${layout.name}`,
        pipeline,
        `, ${ofB.toFixed(2)} × (b)   target ≥ ${e.target} × (a), ${rule}: ${met ? 'OK' : 'MISSED'}${range(rates)}`,
      );
      console.log(
        `      batches of ${median(runs.map((r) => r.batchEvents))} events; its own ledger write ${median(runs.map((r) => r.writeUs)).toFixed(2)} µs an event; the consumer's thread busy ${(100 * median(runs.map((r) => r.busy))).toFixed(0)} % of the time; CPU an event: the consumer's thread ${median(runs.map((r) => r.threadCpuUs)).toFixed(1)} µs, the processor's threads ${median(runs.map((r) => r.processCpuUs)).toFixed(1)} µs (medians)`,
      );
    }
  }
}
