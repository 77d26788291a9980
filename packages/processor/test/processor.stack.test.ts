// The processor against the real Kafka: end to end, duplicates, and a malformed corpus dead-lettered.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { promisify } from 'node:util';
import { repoRoot } from '@genops/devstack';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DLQ_HEADERS } from '../src/consumer/cost-span-consumer.js';
import { loadConfig } from '../src/config.js';
import { startProcessor, type RunningProcessor } from '../src/serve.js';
import { consumedToEnd, createTopic, produce, readRecords } from './support/kafka.js';
import { until } from '@genops/fakes';
import { otlpMessage, otlpSpan } from './support/otlp.js';
import { otlpProto, sdkCostSpans } from './support/sdk-spans.js';

const execFileAsync = promisify(execFile);
const { endpoints } = inject('stack');
const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
const topic = `cost-e2e-${run}`;
const dlqTopic = `cost-e2e-${run}.dlq`;
const NOW = Date.now();
let processor: RunningProcessor;
let baseUrl: string;

interface Totals {
  costUsd: number;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

async function teamTotals(team: string): Promise<Totals> {
  const from = new Date(NOW - 86_400_000).toISOString();
  const to = new Date(NOW + 86_400_000).toISOString();
  const res = await fetch(
    `${baseUrl}/v1/reports/cost?from=${from}&to=${to}&team=${encodeURIComponent(team)}`,
  );
  return ((await res.json()) as { totals: Totals }).totals;
}

const eventuallyTotals = (team: string, requests: number): Promise<Totals> =>
  until(
    `${requests} calls of ${team}`,
    () => teamTotals(team),
    (t) => t.requests >= requests,
    60_000,
  );

beforeAll(async () => {
  await createTopic(endpoints.kafkaBrokers, topic, 3);
  await createTopic(endpoints.kafkaBrokers, dlqTopic, 1);
  // Produced before the processor first starts: a new group must still read it (earliest offset).
  await produce(endpoints.kafkaBrokers, topic, [
    otlpMessage([otlpSpan({ team: `early-${run}`, costUsd: 0.5, endMs: NOW })]),
  ]);
  processor = await startProcessor(
    loadConfig({
      GENOPS_PRICE_SYNC_SOURCE: 'off', // no fetch from the internet in a test
      GENOPS_KAFKA_BROKERS: endpoints.kafkaBrokers,
      GENOPS_KAFKA_TOPIC: topic,
      GENOPS_KAFKA_DLQ_TOPIC: dlqTopic,
      GENOPS_KAFKA_GROUP: `group-${run}`,
      GENOPS_LEDGER_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-proc-')), 'ledger.db')}`,
      GENOPS_HTTP_PORT: '0',
    }),
  );
  baseUrl = `http://127.0.0.1:${processor.port}`;
});

afterAll(async () => processor?.stop());

describe('processor (real Kafka)', () => {
  describe('end to end', () => {
    it('puts cost spans produced to Kafka into the report with exact totals', async () => {
      const team = `e2e-${run}`;
      const spans = Array.from({ length: 50 }, (_, i) =>
        otlpSpan({ team, costUsd: (i + 1) / 1_000_000, inputTokens: 10 + i, outputTokens: 5, endMs: NOW }),
      );
      await produce(
        endpoints.kafkaBrokers,
        topic,
        [0, 10, 20, 30, 40].map((i) => otlpMessage(spans.slice(i, i + 10))),
      );
      // Sum of 1..50 micro-USD = 1275 micro-USD, tokens 10..59 + 50 × 5.
      expect(await eventuallyTotals(team, 50)).toEqual({
        costUsd: 0.001275,
        upstreamCostUsd: 0,
        requests: 50,
        errors: 0,
        inputTokens: 1725,
        outputTokens: 250,
        totalTokens: 1975,
        unpricedRequests: 0,
        unpricedTokens: 0,
      });
    });

    it('reads what was produced before its first start', async () => {
      expect((await eventuallyTotals(`early-${run}`, 1)).costUsd).toBe(0.5);
    });

    it('prints a readable table through `genops report` for the live processor', async () => {
      const team = `e2e-${run}`;
      const cli = join(repoRoot(), 'packages', 'processor', 'dist', 'cli.js');
      const { stdout } = await execFileAsync(
        process.execPath,
        [
          cli,
          'report',
          '--from',
          new Date(NOW - 86_400_000).toISOString(),
          '--to',
          new Date(NOW + 86_400_000).toISOString(),
          '--group-by',
          'team,model',
          '--team',
          team,
        ],
        { env: { ...process.env, GENOPS_URL: baseUrl } },
      );
      const lines = stdout.trimEnd().split('\n');
      expect(lines[1]).toMatch(/^team\s+model\s+cost \(USD\)\s+requests\s+errors\s+tokens\s+USD \/ 1M tok$/);
      expect(lines[3]!.split(/\s{2,}/)).toEqual([
        team,
        'deepseek/deepseek-chat',
        '0.001275',
        '50',
        '0',
        '1975',
        '0.6456',
      ]);
      expect(lines.at(-1)!.split(/\s{2,}/)).toEqual(['TOTAL', '0.001275', '50', '0', '1975', '0.6456']);
    });

    it('sets and lists budgets through `genops budgets`', async () => {
      const cli = join(repoRoot(), 'packages', 'processor', 'dist', 'cli.js');
      const env = { ...process.env, GENOPS_URL: baseUrl };
      const team = `e2e-${run}`;
      await execFileAsync(
        process.execPath,
        [cli, 'budgets', 'set', team, '--limit', '0.01', '--period', 'daily', '--enforcement', 'hard'],
        { env },
      );
      const { stdout } = await execFileAsync(process.execPath, [cli, 'budgets', 'status', team], { env });
      const [header, , row] = stdout.trimEnd().split('\n');
      expect(header!.split(/\s{2,}/)).toEqual([
        'budget',
        'period',
        'enforcement',
        'spent',
        'reserved',
        'limit',
        'used',
        'forecast',
        'state',
        'resets in',
        'policy',
      ]);
      expect(row!.split(/\s{2,}/).slice(0, 7)).toEqual([
        `team ${team}`,
        'daily',
        'hard',
        '0.0013',
        '0.0000',
        '0.01',
        '12.8%',
      ]);
      const list = await execFileAsync(process.execPath, [cli, 'budgets', 'list', '--json'], { env });
      expect((JSON.parse(list.stdout) as { team: string }[]).map((b) => b.team)).toContain(team);
    });

    it('is ready when Kafka and the ledger answer', async () => {
      const res = await fetch(`${baseUrl}/readyz`);
      expect(await res.json()).toEqual({
        status: 'ready',
        checks: { ledger: 'ok', kafka: 'ok', consumer: 'ok' },
      });
    });
  });

  describe('when the same span arrives in three messages', () => {
    it('counts it once', async () => {
      const team = `dup-${run}`;
      const span = otlpSpan({ team, costUsd: 0.125, endMs: NOW });
      await produce(endpoints.kafkaBrokers, topic, [
        otlpMessage([span]),
        otlpMessage([span]),
        otlpMessage([span, otlpSpan({ team, costUsd: 0.25, endMs: NOW })]),
      ]);
      await eventuallyTotals(team, 2);
      // Every message on the topic consumed (offsets commit after the ledger write): a double count would show now.
      await until(
        'the group to consume the topic to its end',
        () => consumedToEnd(endpoints.kafkaBrokers, topic, `group-${run}`),
        Boolean,
      );
      expect(await teamTotals(team)).toMatchObject({ costUsd: 0.375, requests: 2 });
      const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
      expect(
        Number(/genops_processor_events_total\{outcome="duplicate"\} (\d+)/.exec(metrics)![1]),
      ).toBeGreaterThanOrEqual(2);
    });
  });

  describe('when the input is malformed', () => {
    it('dead-letters each bad record with its reason and counts every valid event in between', async () => {
      const team = `corpus-${run}`;
      const valid = (costUsd: number) => otlpMessage([otlpSpan({ team, costUsd, endMs: NOW })]);
      const nanCost = otlpMessage([otlpSpan({ team, costUsd: 0.1, endMs: NOW })]).replace(
        '"doubleValue":0.1',
        '"doubleValue":"NaN"',
      );
      const huge = JSON.stringify({ resourceSpans: 'x'.repeat(10 * 1024 * 1024) });
      const corpus: [string | Buffer, string | null][] = [
        [valid(0.001), null],
        [otlpMessage([otlpSpan({ team })]).slice(0, 40), 'not JSON'],
        [valid(0.002), null],
        [JSON.stringify({ not: 'otlp' }), 'not OTLP JSON traces'],
        [
          JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 42 }] }] }] }),
          'invalid span: traceId',
        ],
        [otlpMessage([otlpSpan({ team, costUsd: -1, endMs: NOW })]), 'out of range'],
        [nanCost, 'must be a finite number'],
        [otlpMessage([otlpSpan({ team, costUsd: 1e300, endMs: NOW })]), 'out of range'],
        [
          otlpMessage([
            {
              ...otlpSpan({ team, endMs: NOW }),
              attributes: [{ key: 'http.method', value: { stringValue: 'GET' } }],
            },
          ]),
          'is no LLM call GenOps can price',
        ],
        [huge, 'not OTLP JSON traces'],
        [valid(0.004), null],
        // The collector's `encoding: otlp_proto`, told apart per message: counted, or dead-lettered byte for byte.
        [otlpProto(sdkCostSpans([{ team, costUsd: 0.008, endMs: NOW }])), null],
        [Buffer.from([0x0a, 0xff, 0xff, 0x01, 0x02]), 'not OTLP protobuf'],
      ];
      // One partition keeps the corpus in order, so the DLQ order is checkable.
      const corpusTopic = `${topic}-corpus`;
      await createTopic(endpoints.kafkaBrokers, corpusTopic, 1);
      const second = await startProcessor(
        loadConfig({
          GENOPS_PRICE_SYNC_SOURCE: 'off', // no fetch from the internet in a test
          GENOPS_KAFKA_BROKERS: endpoints.kafkaBrokers,
          GENOPS_KAFKA_TOPIC: corpusTopic,
          GENOPS_KAFKA_DLQ_TOPIC: dlqTopic,
          GENOPS_KAFKA_GROUP: `group-corpus-${run}`,
          GENOPS_LEDGER_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-corpus-')), 'ledger.db')}`,
          GENOPS_HTTP_PORT: '0',
        }),
      );
      try {
        await produce(
          endpoints.kafkaBrokers,
          corpusTopic,
          corpus.map(([v]) => v),
        );
        const expected = corpus.filter(([, reason]) => reason !== null);
        const dead = await readRecords(endpoints.kafkaBrokers, dlqTopic, expected.length);
        expect(dead.map((d) => d.headers[DLQ_HEADERS.reason]!.slice(0, 200))).toEqual(
          expected.map(([, reason]) => expect.stringContaining(reason!)),
        );
        // Each with the kind of failure, beside the reason.
        expect(dead.map((d) => d.headers[DLQ_HEADERS.code])).toEqual([
          'NOT_JSON',
          'NOT_OTLP_TRACES',
          'INVALID_SPAN',
          'INVALID_ATTRIBUTE',
          'INVALID_ATTRIBUTE',
          'INVALID_ATTRIBUTE',
          'MISSING_ATTRIBUTE',
          'NOT_OTLP_TRACES',
          'NOT_OTLP_PROTO',
        ]);
        expect(dead.map((d) => d.value?.length)).toEqual(expected.map(([v]) => Buffer.byteLength(v)));
        expect(dead.at(-1)!.value).toEqual(Buffer.from([0x0a, 0xff, 0xff, 0x01, 0x02]));
        expect(dead[0]!.headers[DLQ_HEADERS.topic]).toBe(corpusTopic);
        const res = await fetch(
          `http://127.0.0.1:${second.port}/v1/reports/cost?from=${new Date(NOW - 3_600_000).toISOString()}&to=${new Date(NOW + 3_600_000).toISOString()}&team=${team}`,
        );
        expect(((await res.json()) as { totals: Totals }).totals).toMatchObject({
          costUsd: 0.015,
          requests: 4,
        });
      } finally {
        await second.stop();
      }
    });
  });
});
