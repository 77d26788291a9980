// kill -9 the processor at random points while cost spans stream, restart it, repeat: the final totals equal
// the sum of what was produced, exactly — on SQLite and on PostgreSQL. Then scale-out: two processors on one
// PostgreSQL ledger over a 6-partition topic, one killed mid-stream.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { nanoToUsd } from '../src/decode/cost-event.js';
import { createTopic } from './support/kafka.js';
import { freshDatabase } from './support/postgres.js';
import { makeStream, sleep, streamWithChaos, totals, waitForTotals } from './support/stream.js';
import { until } from '@genops/fakes';
import { freePort, ProcessorProcess } from '@genops/devstack';

const { endpoints } = inject('stack');
const SPANS = Number(process.env.GENOPS_CRASH_SPANS ?? 100_000);
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
    await streamWithChaos(endpoints.kafkaBrokers, topic, stream, async (producing) => {
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
      await streamWithChaos(endpoints.kafkaBrokers, topic, stream, async () => {
        // Kill `a` once the shared ledger shows progress, so it dies holding partitions mid-stream.
        atKill = (
          await until(
            'progress in the shared ledger',
            () => totals(b.url, team),
            (t) => t.requests > 0,
            120_000,
          )
        ).requests;
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
