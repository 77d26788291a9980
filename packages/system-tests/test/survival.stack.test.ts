// Nothing lost when Kafka or the collector goes away: the Kafka exporter's persistent sending queue holds cost
// spans on disk until the broker is back, across a collector restart too.
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { trackLLMCall } from '@genops/instrumentation';
import { setupGenOps, type GenOpsHandle } from '@genops/setup';
import { readState, startService, stopService } from '@genops/devstack';
import { until } from '@genops/fakes';
import { attr, consumeSpans } from './support/stack-clients.js';

const { endpoints, stateDir } = inject('stack');
const run = Date.now().toString(36);
let genops: GenOpsHandle;

beforeAll(() => {
  genops = setupGenOps({
    serviceName: 'survival-service',
    endpoint: endpoints.otlpGrpc,
    metricExportIntervalMillis: 60_000,
  });
});
afterAll(async () => genops?.shutdown());

/** Sends `count` cost spans for `team`; returns their span ids. */
async function sendCostSpans(team: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    await trackLLMCall(
      { provider: 'custom', model: 'deepseek/deepseek-chat' },
      (call) => {
        ids.push(trace.getActiveSpan()!.spanContext().spanId);
        call.setUsage({ inputTokens: 100 + i, outputTokens: 10 });
      },
      { defaults: { team } },
    );
  }
  await genops.forceFlush();
  return ids;
}

/** Waits until the collector's Kafka exporter holds spans in its sending queue (it failed and queued them). */
async function queuedInCollector(): Promise<void> {
  const port = readState(stateDir)!.ports.collectorTelemetry;
  await until(
    'the kafka exporter to queue spans',
    async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return Number(/^otelcol_exporter_queue_size\{[^}]*exporter="kafka"[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
    },
    (queued) => queued > 0,
    { timeoutMs: 60_000, intervalMs: 100 },
  );
}

async function arrivedIds(team: string, expected: number): Promise<string[]> {
  const spans = await consumeSpans(
    endpoints.kafkaBrokers,
    'genops.cost-spans',
    (all) => all.filter((s) => attr(s, 'genops.team') === team).length >= expected,
  );
  return spans.filter((s) => attr(s, 'genops.team') === team).map((s) => s.spanId);
}

describe('survival', () => {
  describe('when Kafka is down while cost spans are sent', () => {
    it('delivers every one of them once Kafka is back', async () => {
      const team = `kafka-down-${run}`;
      await stopService(stateDir, 'kafka');
      let sent: string[];
      try {
        sent = await sendCostSpans(team, 25);
        await queuedInCollector(); // the exporter failed and holds them in its (on-disk) queue
      } finally {
        await startService(stateDir, 'kafka');
      }
      const arrived = await arrivedIds(team, sent.length);
      expect(new Set(arrived)).toEqual(new Set(sent));
    });
  });

  describe('when the collector restarts with cost spans queued on disk', () => {
    it('delivers every one of them after the restart', async () => {
      const team = `collector-restart-${run}`;
      await stopService(stateDir, 'kafka');
      let sent: string[];
      try {
        sent = await sendCostSpans(team, 25);
        await queuedInCollector();
        await stopService(stateDir, 'collector');
      } finally {
        await startService(stateDir, 'kafka');
        await startService(stateDir, 'collector');
      }
      const arrived = await arrivedIds(team, sent.length);
      expect(new Set(arrived)).toEqual(new Set(sent));
    });
  });
});
