// kill -9 the processor at random points while cost spans stream, restart it, repeat: the final totals equal
// the sum of what was produced, exactly — on SQLite and on PostgreSQL. Then scale-out: two processors on one
// PostgreSQL ledger over a 6-partition topic, one killed mid-stream.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { nanoToUsd } from '../src/index.js';
import { createTopic, produce } from './support/kafka.js';
import { otlpMessage, otlpSpan } from './support/otlp.js';
import { freshDatabase } from './support/postgres.js';
import { freePort, ProcessorProcess } from '@genops/devstack';

const { endpoints } = inject('stack');
const SPANS = Number(process.env.GENOPS_CRASH_SPANS ?? 100_000);
const SPANS_PER_MESSAGE = 200;
const NOW = Date.now();

interface Stream {
  messages: string[];
  costNano: bigint;
  requests: number;
}

/** `count` spans of `team` with random whole micro-USD costs; the exact expected sum in nano-USD. */
function makeStream(team: string, count: number): Stream {
  const messages: string[] = [];
  let costNano = 0n;
  for (let i = 0; i < count; i += SPANS_PER_MESSAGE) {
    const spans = [];
    for (let j = i; j < Math.min(i + SPANS_PER_MESSAGE, count); j++) {
      const micro = 1 + Math.floor(Math.random() * 5000);
      costNano += BigInt(micro) * 1000n;
      spans.push(otlpSpan({ team, costUsd: micro / 1e6, endMs: NOW - (j % 3_600_000) }));
    }
    messages.push(otlpMessage(spans));
  }
  return { messages, costNano, requests: count };
}

async function totals(url: string, team: string): Promise<{ costUsd: number; requests: number }> {
  const q = `from=${new Date(NOW - 2 * 86_400_000).toISOString()}&to=${new Date(NOW + 86_400_000).toISOString()}&team=${team}`;
  return (
    (await (await fetch(`${url}/v1/reports/cost?${q}`, { signal: AbortSignal.timeout(10_000) })).json()) as {
      totals: { costUsd: number; requests: number };
    }
  ).totals;
}

async function waitForTotals(url: string, team: string, requests: number, timeoutMs = 240_000) {
  const deadline = Date.now() + timeoutMs;
  let last = await totals(url, team);
  while (last.requests < requests && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    last = await totals(url, team);
  }
  return last;
}

/** Produces the stream in slices while `chaos` runs; resolves when both are done. */
async function streamWithChaos(
  topic: string,
  stream: Stream,
  chaos: (producing: () => boolean) => Promise<void>,
) {
  let producing = true;
  const producer = (async () => {
    for (let i = 0; i < stream.messages.length; i += 25) {
      await produce(endpoints.kafkaBrokers, topic, stream.messages.slice(i, i + 25));
      await sleep(50); // a stream, not one burst: crashes land mid-stream
    }
    producing = false;
  })();
  await Promise.all([producer, chaos(() => producing)]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function crashScenario(kind: 'sqlite' | 'postgres'): Promise<void> {
  const run = `${kind}-${Date.now().toString(36)}`;
  const topic = `crash-${run}`;
  await createTopic(endpoints.kafkaBrokers, topic, 6);
  const ledgerUrl =
    kind === 'sqlite'
      ? `sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-crash-')), 'ledger.db')}`
      : await freshDatabase(endpoints.postgresUrl);
  const processor = new ProcessorProcess(await freePort(), {
    GENOPS_KAFKA_BROKERS: endpoints.kafkaBrokers,
    GENOPS_KAFKA_TOPIC: topic,
    GENOPS_KAFKA_GROUP: `crash-${run}`,
    GENOPS_KAFKA_DLQ_TOPIC: `${topic}.dlq`,
    GENOPS_KAFKA_SESSION_TIMEOUT_MS: '6000',
    GENOPS_LEDGER_URL: ledgerUrl,
  });
  const team = `crash-${run}`;
  const stream = makeStream(team, SPANS);
  await processor.start();
  let kills = 0;
  try {
    await streamWithChaos(topic, stream, async (producing) => {
      while (kills < 4 || producing()) {
        await sleep(500 + Math.random() * 2500);
        await processor.kill();
        kills++;
        await processor.start();
        if (kills >= 8) break;
      }
    });
    const final = await waitForTotals(processor.url, team, stream.requests);
    expect(kills).toBeGreaterThanOrEqual(4);
    expect(final).toEqual({ ...final, requests: stream.requests, costUsd: nanoToUsd(stream.costNano) });
  } finally {
    await processor.stop();
  }
}

describe('crash recovery', () => {
  it(
    `counts every one of ${SPANS} cost spans exactly once through repeated kill -9 (SQLite)`,
    () => crashScenario('sqlite'),
    600_000,
  );
  it(
    `counts every one of ${SPANS} cost spans exactly once through repeated kill -9 (PostgreSQL)`,
    () => crashScenario('postgres'),
    600_000,
  );
});

describe('scale-out', () => {
  it('two processors on one PostgreSQL ledger, 6 partitions, one killed mid-stream: exact totals', async () => {
    const run = `scale-${Date.now().toString(36)}`;
    const topic = `crash-${run}`;
    await createTopic(endpoints.kafkaBrokers, topic, 6);
    const ledgerUrl = await freshDatabase(endpoints.postgresUrl);
    const env = {
      GENOPS_KAFKA_BROKERS: endpoints.kafkaBrokers,
      GENOPS_KAFKA_TOPIC: topic,
      GENOPS_KAFKA_GROUP: `scale-${run}`,
      GENOPS_KAFKA_DLQ_TOPIC: `${topic}.dlq`,
      GENOPS_KAFKA_SESSION_TIMEOUT_MS: '6000',
      GENOPS_LEDGER_URL: ledgerUrl,
    };
    const a = new ProcessorProcess(await freePort(), env);
    const b = new ProcessorProcess(await freePort(), env);
    await Promise.all([a.start(), b.start()]);
    const team = `scale-${run}`;
    const stream = makeStream(team, Math.min(SPANS, 40_000));
    try {
      let atKill = 0;
      await streamWithChaos(topic, stream, async () => {
        // Kill `a` once the shared ledger shows progress, so it dies holding partitions mid-stream.
        while ((atKill = (await totals(b.url, team)).requests) === 0) await sleep(50);
        await a.kill();
      });
      expect(atKill).toBeGreaterThan(0);
      expect(atKill).toBeLessThan(stream.requests);
      const final = await waitForTotals(b.url, team, stream.requests, 60_000);
      if (final.requests !== stream.requests) console.error(b.output.join('').slice(-3000));
      expect(final).toEqual({ ...final, requests: stream.requests, costUsd: nanoToUsd(stream.costNano) });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 600_000);
});
