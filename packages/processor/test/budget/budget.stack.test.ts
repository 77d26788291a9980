// Budgets against the real PostgreSQL with two processors sharing one ledger: atomic admission across processes.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { until } from '@genops/fakes';
import { loadConfig } from '../../src/config.js';
import { startProcessor, type RunningProcessor } from '../../src/serve.js';
import { produce } from '../support/kafka.js';
import { otlpMessage, otlpSpan } from '../support/otlp.js';
import { freshDatabase } from '../support/postgres.js';

const { endpoints } = inject('stack');
const run = Date.now().toString(36);
let a: RunningProcessor;
let b: RunningProcessor;

beforeAll(async () => {
  const ledgerUrl = await freshDatabase(endpoints.postgresUrl);
  const config = () =>
    loadConfig({
      GENOPS_PRICE_SYNC_SOURCE: 'off', // no fetch from the internet in a test
      GENOPS_KAFKA_BROKERS: endpoints.kafkaBrokers,
      GENOPS_KAFKA_TOPIC: `budget-${run}`,
      GENOPS_KAFKA_GROUP: `budget-${run}`,
      GENOPS_LEDGER_URL: ledgerUrl,
      GENOPS_HTTP_PORT: '0',
    });
  // Two instances of one consumer group on one ledger, as a scaled-out deployment runs them.
  a = await startProcessor(config());
  b = await startProcessor(config());
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
});

describe('budgets on PostgreSQL with two processors', () => {
  it('admits exactly 10 of 50 concurrent reservations against a hard budget that fits 10', async () => {
    const team = `pg-${run}`;
    const put = await fetch(`http://127.0.0.1:${a.port}/v1/budgets/${team}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ period: 'daily', limitUsd: 1, enforcement: 'hard' }),
    });
    expect(put.status).toBe(200);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        fetch(`http://127.0.0.1:${(i % 2 ? a : b).port}/v1/reservations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ team, model: 'deepseek/deepseek-chat', estimatedCostUsd: 0.1 }),
        }).then((r) => r.json() as Promise<{ decision: string; reservationId?: string }>),
      ),
    );
    const admitted = responses.filter((r) => r.decision !== 'BLOCKED');
    expect(admitted).toHaveLength(10);
    expect(new Set(admitted.map((r) => r.reservationId)).size).toBe(10);
    const status = (await (await fetch(`http://127.0.0.1:${b.port}/v1/budgets/${team}`)).json()) as {
      reservedUsd: number;
    };
    expect(status.reservedUsd).toBe(1);
  });

  it('settles a reservation when its cost span arrives through Kafka', async () => {
    const team = `settle-${run}`;
    const base = `http://127.0.0.1:${a.port}`;
    await fetch(`${base}/v1/budgets/${team}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ period: 'daily', limitUsd: 1, enforcement: 'hard' }),
    });
    const r = (await (
      await fetch(`${base}/v1/reservations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ team, model: 'deepseek/deepseek-chat', estimatedCostUsd: 0.4 }),
      })
    ).json()) as { reservationId: string };
    await produce(endpoints.kafkaBrokers, `budget-${run}`, [
      otlpMessage([otlpSpan({ team, costUsd: 0.3, endMs: Date.now(), reservationId: r.reservationId })]),
    ]);
    const status = await until(
      'the span to be counted',
      async () =>
        (await (await fetch(`${base}/v1/budgets/${team}`)).json()) as {
          spentUsd: number;
          reservedUsd: number;
        },
      (s) => s.spentUsd !== 0,
    );
    expect(status).toMatchObject({ spentUsd: 0.3, reservedUsd: 0 });
  });
});
