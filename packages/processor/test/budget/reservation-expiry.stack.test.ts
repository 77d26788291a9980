// Lag-safe expiry against the real broker and database: a reservation past its TTL keeps its amount counted
// while the consumer group lags (its span may still be in Kafka), and leaves once the group has caught up.
import { freePort, ProcessorProcess } from '@genops/devstack';
import { describe, expect, inject, it } from 'vitest';
import { createTopic, groupAssignments, producer as kafkaProducer } from '../support/kafka.js';
import { otlpMessage, otlpSpan } from '../support/otlp.js';
import { freshDatabase } from '../support/postgres.js';
import { until } from '@genops/fakes';

const { endpoints } = inject('stack');

async function api(url: string, path: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, { ...init, headers: { 'content-type': 'application/json' } });
  return (await res.json()) as Record<string, unknown>;
}

async function ready(p: ProcessorProcess): Promise<boolean> {
  const res = await fetch(`${p.url}/readyz`);
  await res.arrayBuffer();
  return res.ok;
}

describe('reservation expiry', () => {
  describe('when a processor of the group is paused with cost spans waiting on its partitions', () => {
    it('keeps an expired reservation counted until the group catches up, then releases it', async () => {
      const run = `expiry-${Date.now().toString(36)}`;
      await createTopic(endpoints.kafkaBrokers, run, 4);
      const env = {
        GENOPS_KAFKA_BROKERS: endpoints.kafkaBrokers,
        GENOPS_KAFKA_TOPIC: run,
        GENOPS_KAFKA_GROUP: run,
        GENOPS_KAFKA_DLQ_TOPIC: `${run}.dlq`,
        // Long enough that the paused processor keeps its partitions for the whole test.
        GENOPS_KAFKA_SESSION_TIMEOUT_MS: '120000',
        GENOPS_RESERVATION_SWEEP_MS: '200',
        GENOPS_LEDGER_URL: await freshDatabase(endpoints.postgresUrl),
      };
      const a = new ProcessorProcess(await freePort(), env);
      const b = new ProcessorProcess(await freePort(), env);
      await Promise.all([a.start(), b.start()]);
      const producer = kafkaProducer(endpoints.kafkaBrokers);
      const spanOnEveryPartition = async (team: string) => {
        for (let partition = 0; partition < 4; partition++)
          await producer.send({
            messages: [
              {
                topic: run,
                partition,
                value: Buffer.from(otlpMessage([otlpSpan({ team, costUsd: 0.001 })])),
              },
            ],
          });
      };
      const requests = async (team: string) =>
        (
          (await api(b.url, `/v1/reports/cost?team=${team}&from=2026-01-01T00:00:00Z`)).totals as {
            requests: number;
          }
        ).requests;
      const settled = (g: Awaited<ReturnType<typeof groupAssignments>>) =>
        g.state === 'Stable' && g.partitions.length === 2 && g.partitions.every((n) => n > 0);
      try {
        // Both consuming, and the same two members a second apart: no rejoin pending when a is paused.
        const group = await until(
          'both processors to hold partitions',
          async () => {
            const first = await groupAssignments(endpoints.kafkaBrokers, run, run);
            if (!settled(first) || !(await ready(a)) || !(await ready(b))) return undefined;
            await new Promise((r) => setTimeout(r, 1000));
            const second = await groupAssignments(endpoints.kafkaBrokers, run, run);
            return settled(second) && second.members.join() === first.members.join() ? second : undefined;
          },
          undefined,
          90_000,
        );
        await api(b.url, '/v1/budgets/paused', {
          method: 'PUT',
          body: JSON.stringify({ period: 'daily', limitUsd: 1, enforcement: 'hard' }),
        });
        const held = await api(b.url, '/v1/reservations', {
          method: 'POST',
          body: JSON.stringify({ team: 'paused', model: 'm', estimatedCostUsd: 0.9, ttlSeconds: 1 }),
        });
        expect(held.decision).toBe('WARNING');
        const expiresAt = Date.now() + 1000;

        a.pause();
        await spanOnEveryPartition('late'); // a's partitions now lag
        // Past the TTL, b has consumed its own partitions' late spans, and swept several times since.
        const consumedByB = await until(
          'b to consume its share',
          () => requests('late'),
          (n) => n > 0 && Date.now() > expiresAt + 1000,
        );
        // a still holds its partitions (a member that left would hand them to b: then there is no lag to test).
        const during = await groupAssignments(endpoints.kafkaBrokers, run, run);
        expect(during.members, a.output.join('').slice(-3000)).toEqual(group!.members);
        expect(consumedByB, a.output.join('').slice(-3000)).toBeLessThan(4);
        const status = await api(b.url, '/v1/budgets/paused');
        expect(status.reservedUsd).toBe(0.9);
        const blocked = await api(b.url, '/v1/reservations', {
          method: 'POST',
          body: JSON.stringify({ team: 'paused', model: 'm', estimatedCostUsd: 0.2 }),
        });
        expect(blocked.decision).toBe('BLOCKED');

        a.resume();
        await until(
          'the expired reservation to leave',
          async () => (await api(b.url, '/v1/budgets/paused')).reservedUsd,
          (r) => r === 0,
        );
        expect(await requests('late')).toBe(4);
        const admitted = await api(b.url, '/v1/reservations', {
          method: 'POST',
          body: JSON.stringify({ team: 'paused', model: 'm', estimatedCostUsd: 0.2 }),
        });
        expect(admitted.decision).toBe('ALLOWED');
      } finally {
        a.resume();
        await producer.close();
        await Promise.all([a.stop(), b.stop()]);
      }
    }, 240_000);
  });
});
