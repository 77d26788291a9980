// Faults with traffic flowing: PostgreSQL restarts, the Kafka broker restarts, the SQLite disk fills up. The
// processor recovers by itself and the totals are exact.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ProcessorProcess, startService, stopService } from '@genops/devstack';
import { BUNDLED_PRICES } from '@genops/pricing';
import { describe, expect, inject, it } from 'vitest';
import { nanoToUsd } from '../src/decode/cost-event.js';
import { createTopic, produce } from './support/kafka.js';
import { freshDatabase } from './support/postgres.js';
import { makeStream, totals, waitForTotals } from './support/stream.js';
import { until } from '@genops/fakes';

const { endpoints, stateDir } = inject('stack');

async function processorFor(run: string, ledgerUrl: string): Promise<ProcessorProcess> {
  await createTopic(endpoints.kafkaBrokers, run, 3);
  const processor = new ProcessorProcess(await freePort(), {
    GENOPS_KAFKA_BROKERS: endpoints.kafkaBrokers,
    GENOPS_KAFKA_TOPIC: run,
    GENOPS_KAFKA_GROUP: run,
    GENOPS_KAFKA_DLQ_TOPIC: `${run}.dlq`,
    GENOPS_KAFKA_SESSION_TIMEOUT_MS: '6000',
    GENOPS_LEDGER_URL: ledgerUrl,
  });
  await processor.start();
  return processor;
}

describe('faults', () => {
  describe('when the price source cannot be reached (offline, the default daily sync on)', () => {
    it('starts on the bundled prices; the failed sync is a warning and a metric, never a crash', async () => {
      const run = `offline-${Date.now().toString(36)}`;
      await createTopic(endpoints.kafkaBrokers, run, 1);
      const dir = mkdtempSync(join(tmpdir(), 'genops-offline-'));
      const unreachable = `http://127.0.0.1:${await freePort()}/api/v1/models`; // nothing listens there
      const processor = new ProcessorProcess(await freePort(), {
        GENOPS_KAFKA_BROKERS: endpoints.kafkaBrokers,
        GENOPS_KAFKA_TOPIC: run,
        GENOPS_KAFKA_GROUP: run,
        GENOPS_KAFKA_DLQ_TOPIC: `${run}.dlq`,
        GENOPS_LEDGER_URL: `sqlite:${join(dir, 'ledger.db')}`,
        GENOPS_PRICE_SYNC_SOURCE: 'openrouter',
        GENOPS_PRICE_SYNC_URL: unreachable,
        GENOPS_PRICES_FILE: join(dir, 'prices.json'),
      });
      await processor.start();
      try {
        const failed = await until(
          'the start-up sync to fail',
          async () => {
            const metrics = await (await fetch(`${processor.url}/metrics`)).text();
            return /^genops_processor_price_syncs_total\{outcome="failed"\} (\d+)$/m.exec(metrics)?.[1];
          },
          (n) => n === '1',
          30_000,
        );
        expect(failed).toBe('1');
        // Logged as the metric counts it; the line may reach the process's stdout a moment after the scrape.
        await until(
          'the failed sync in the log',
          async () => processor.output.join(''),
          (out) => out.includes('price sync from openrouter failed'),
          10_000,
        );
        const prices = (await (await fetch(`${processor.url}/v1/prices`)).json()) as { version: string };
        expect(prices.version).toBe(BUNDLED_PRICES.version);
        expect((await fetch(`${processor.url}/readyz`)).status).toBe(200);
      } finally {
        await processor.stop();
      }
    }, 120_000);
  });

  describe('when PostgreSQL restarts mid-stream', () => {
    it('recovers by itself, with exact totals', async () => {
      const run = `pg-restart-${Date.now().toString(36)}`;
      const processor = await processorFor(run, await freshDatabase(endpoints.postgresUrl));
      const stream = makeStream(run, 30_000);
      const third = Math.floor(stream.messages.length / 3);
      try {
        await produce(endpoints.kafkaBrokers, run, stream.messages.slice(0, third));
        await until(
          'progress before the fault',
          () => totals(processor.url, run).then((t) => t.requests),
          (n) => n > 0,
          60_000,
        );
        await stopService(stateDir, 'postgres');
        // Spans arrive while the ledger is gone: the processor cannot write them, and must not lose them.
        await produce(endpoints.kafkaBrokers, run, stream.messages.slice(third, 2 * third));
        // …and finds the ledger gone (it answers 503 then) before PostgreSQL comes back.
        await until(
          'the processor to find the ledger gone',
          () => totals(processor.url, run).then((t) => t.requests),
          (n) => n === -1,
          60_000,
        );
        await startService(stateDir, 'postgres');
        await produce(endpoints.kafkaBrokers, run, stream.messages.slice(2 * third));
        const final = await waitForTotals(processor.url, run, stream.requests);
        expect(final).toEqual({ ...final, requests: stream.requests, costUsd: nanoToUsd(stream.costNano) });
      } finally {
        await processor.stop();
      }
    }, 300_000);
  });

  describe('when the Kafka broker restarts mid-stream', () => {
    it('recovers by itself, with exact totals', async () => {
      const run = `kafka-restart-${Date.now().toString(36)}`;
      const processor = await processorFor(
        run,
        `sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-fault-')), 'l.db')}`,
      );
      const stream = makeStream(run, 20_000);
      const half = Math.floor(stream.messages.length / 2);
      try {
        await produce(endpoints.kafkaBrokers, run, stream.messages.slice(0, half));
        await until(
          'progress before the fault',
          () => totals(processor.url, run).then((t) => t.requests),
          (n) => n > 0,
          60_000,
        );
        await stopService(stateDir, 'kafka');
        await startService(stateDir, 'kafka');
        await produce(endpoints.kafkaBrokers, run, stream.messages.slice(half));
        const final = await waitForTotals(processor.url, run, stream.requests);
        expect(final).toEqual({ ...final, requests: stream.requests, costUsd: nanoToUsd(stream.costNano) });
      } finally {
        await processor.stop();
      }
    }, 300_000);
  });

  describe('when the SQLite ledger’s disk fills up', () => {
    it('stops writing, says so on /readyz, and once there is room again catches up with exact totals', async () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'genops-full-')), 'disk');
      mkdirSync(dir);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir]);
      const run = `disk-full-${Date.now().toString(36)}`;
      let processor: ProcessorProcess | undefined;
      try {
        processor = await processorFor(run, `sqlite:${join(dir, 'ledger.db')}`);
        const stream = makeStream(run, 30_000); // ~10 MB of ledger: far more than the disk holds
        await produce(endpoints.kafkaBrokers, run, stream.messages);
        const readiness = await until(
          'the processor to report the full disk',
          async () =>
            (await (await fetch(`${processor!.url}/readyz`)).json()) as { checks: { consumer?: string } },
          (r) => /full/i.test(r.checks.consumer ?? ''),
          120_000,
        );
        expect(readiness.checks.consumer).toMatch(/disk is full/);
        const stalled = (await totals(processor.url, run)).requests;
        expect(stalled).toBeLessThan(stream.requests);
        execFileSync('mount', ['-o', 'remount,size=256m', dir]);
        const final = await waitForTotals(processor.url, run, stream.requests);
        expect(final).toEqual({ ...final, requests: stream.requests, costUsd: nanoToUsd(stream.costNano) });
      } finally {
        await processor?.stop();
        execFileSync('umount', ['-l', dir]);
      }
    }, 300_000);
  });
});
