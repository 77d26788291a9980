// At-least-once budget alerts, proven by killing the processor: an alert decided while its webhook is down stays
// queued in the ledger through a kill -9, and the restarted processor delivers it, with the same id.
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ProcessorProcess } from '@genops/devstack';
import Database from 'better-sqlite3';
import { describe, expect, inject, it } from 'vitest';
import { createTopic, produce } from '../support/kafka.js';
import { otlpMessage, otlpSpan } from '../support/otlp.js';
import { until } from '@genops/fakes';

const { endpoints } = inject('stack');

describe('budget alert outbox', () => {
  describe('when the processor is killed after deciding an alert it could not deliver yet', () => {
    it('delivers it after the restart, with the same id', async () => {
      const run = `outbox-${Date.now().toString(36)}`;
      await createTopic(endpoints.kafkaBrokers, run, 1);
      const dir = mkdtempSync(join(tmpdir(), 'genops-outbox-'));
      const hookPort = await freePort();
      const env = {
        GENOPS_KAFKA_BROKERS: endpoints.kafkaBrokers,
        GENOPS_KAFKA_TOPIC: run,
        GENOPS_KAFKA_GROUP: run,
        GENOPS_KAFKA_DLQ_TOPIC: `${run}.dlq`,
        GENOPS_KAFKA_ALERTS_TOPIC: `${run}.alerts`,
        GENOPS_LEDGER_URL: `sqlite:${join(dir, 'ledger.db')}`,
        GENOPS_ALERT_WEBHOOK_URL: `http://127.0.0.1:${hookPort}/hook`, // nothing listens yet
        GENOPS_ALERT_RETRY_MS: '200',
        GENOPS_KAFKA_SESSION_TIMEOUT_MS: '6000', // the restarted processor rejoins without waiting out the killed one
      };
      const first = new ProcessorProcess(await freePort(), env);
      await first.start();
      let hook: Server | undefined;
      try {
        await fetch(`${first.url}/v1/budgets/ads`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ period: 'monthly', limitUsd: 1, thresholds: [0.5] }),
        });
        await produce(endpoints.kafkaBrokers, run, [otlpMessage([otlpSpan({ team: 'ads', costUsd: 0.6 })])]);
        // Decided, and the webhook delivery failed at least once: it waits in the outbox.
        const db = new Database(join(dir, 'ledger.db'), { readonly: true });
        const queued = await until(
          'the webhook delivery to be queued and tried',
          () =>
            db
              .prepare(`SELECT id, attempts, last_error FROM budget_alert_outbox WHERE sink = 'webhook'`)
              .get() as { id: string; attempts: number; last_error: string } | undefined,
          (row) => (row?.attempts ?? 0) >= 1,
        );
        db.close();
        expect(queued!.id).toMatch(/^team=ads\/.*\/threshold:0\.5$/);
        await first.kill();

        const received: { text: string; alert: { id: string } }[] = [];
        hook = createServer((req, res) => {
          let body = '';
          req.on('data', (c: Buffer) => (body += c.toString()));
          req.on('end', () => {
            received.push(JSON.parse(body) as (typeof received)[number]);
            res.writeHead(200).end('ok');
          });
        });
        await new Promise<void>((r) => hook!.listen(hookPort, '127.0.0.1', r));
        const second = new ProcessorProcess(await freePort(), env);
        await second.start();
        try {
          await until(
            'the alert to reach the webhook',
            () => received.length,
            (n) => n >= 1,
          );
          expect(received[0]!.alert.id).toBe(queued!.id);
          expect(received[0]!.text).toContain('team ads has used 60% of its monthly budget');
        } finally {
          await second.stop();
        }
      } finally {
        await first.kill();
        hook?.close();
      }
    }, 120_000);
  });
});
