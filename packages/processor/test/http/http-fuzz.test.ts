// Bad input, proven wide: random JSON, wrong types, huge and deep bodies, unicode and SQL metacharacters in team
// names, on every route and in the OTLP decoder. Never a 500, never a crash, never a partial write.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BudgetService } from '../../src/budget/budget-service.js';
import { createApp } from '../../src/http/app.js';
import { listenApp } from '../../src/http/listen.js';
import { decodeCostSpans } from '../../src/decode/decode-cost-spans.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { ProcessorMetrics } from '../../src/metrics.js';
import type { CostLedger } from '../../src/ledger/cost-ledger.js';
import { specKey } from '../../src/budget/budget-spec.js';

let ledger: CostLedger;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  ledger = await openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-fuzz-')), 'l.db')}`);
  const budgets = new BudgetService(ledger);
  await budgets.put('growth', { period: 'daily', limitUsd: 5, enforcement: 'hard' });
  app = createApp({
    ledger,
    budgets,
    metrics: new ProcessorMetrics(),
    apiTokens: [],
    kafkaReady: async () => {},
  });
});

/** Everything a request could have changed. */
async function snapshot(): Promise<string> {
  const budgets = await ledger.listBudgets();
  const counters = await Promise.all(budgets.map((b) => ledger.counters(specKey(b), Date.now())));
  return JSON.stringify({
    budgets,
    counters: counters.map((c) => [String(c?.spentNano), String(c?.reservedNano)]),
    reservations: await ledger.reservationCount(),
  });
}

const nasty = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    "'; DROP TABLE budgets; --",
    '" OR 1=1 --',
    '%',
    '_',
    '\\',
    '\u0000',
    '../..',
    '😀 team',
    'a'.repeat(300),
  ),
);
const anyJson = fc.oneof(
  fc.jsonValue(),
  fc.record({ team: nasty, model: nasty, estimatedCostUsd: fc.anything() }, { requiredKeys: [] }),
  fc.record(
    {
      period: fc.oneof(fc.constantFrom('daily', 'weekly', 'monthly', 'rolling'), nasty),
      limitUsd: fc.oneof(fc.double(), fc.integer(), nasty),
      timezone: nasty,
      window: nasty,
      thresholds: fc.array(fc.oneof(fc.double(), nasty)),
      enforcement: fc.oneof(fc.constantFrom('soft', 'hard'), nasty),
    },
    { requiredKeys: [] },
  ),
);

const routes = fc.oneof(
  fc.record({ method: fc.constant('POST'), path: fc.constant('/v1/reservations'), body: anyJson }),
  fc.record({
    method: fc.constant('PUT'),
    path: nasty.map((t) => `/v1/budgets/${encodeURIComponent(t)}`),
    body: anyJson,
  }),
  fc.record({
    method: fc.constantFrom('GET', 'DELETE'),
    path: nasty.map((t) => `/v1/budgets/${encodeURIComponent(t)}`),
  }),
  fc.record({
    method: fc.constant('DELETE'),
    path: nasty.map((t) => `/v1/reservations/${encodeURIComponent(t)}`),
  }),
  fc.record({
    method: fc.constant('GET'),
    path: fc
      .tuple(
        fc.constantFrom('/v1/reports/cost', '/v1/reports/providers', '/v1/reconciliation'),
        fc.dictionary(nasty, nasty, { maxKeys: 4 }),
      )
      .map(([p, q]) => `${p}?${new URLSearchParams(q)}`),
  }),
  fc.record({
    method: fc.constant('POST'),
    path: fc
      .dictionary(fc.oneof(fc.constantFrom('from', 'to'), nasty), nasty, { maxKeys: 3 })
      .map((q) => `/v1/reconciliation/run?${new URLSearchParams(q)}`),
  }),
);

describe('HTTP API under random input', () => {
  it('never answers 5xx, always says what was wrong, and a refused request changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(routes, async (r) => {
        const before = await snapshot();
        const body = 'body' in r ? JSON.stringify(r.body) : undefined;
        const res = await app.request(r.path, {
          method: r.method,
          ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
        });
        expect(res.status, `${r.method} ${r.path} ${body}`).toBeLessThan(500);
        if (res.status >= 400) {
          const error = ((await res.json()) as { error: { code: string; message: string } }).error;
          expect(error.code).toMatch(/^[A-Z_]+$/);
          expect(error.message.length).toBeGreaterThan(0);
          expect(await snapshot()).toBe(before);
        }
      }),
      { numRuns: 400 },
    );
  });

  it.each([
    [
      'a body over the limit',
      JSON.stringify({ team: 'growth', model: 'm', estimatedCostUsd: 0.1, pad: 'x'.repeat(70_000) }),
      413,
    ],
    ['a body nested 50,000 deep', `${'['.repeat(25_000)}${']'.repeat(25_000)}`, 400],
    ['not JSON at all', '\u0000\u00ff{', 400],
    ['a JSON string', '"growth"', 400],
  ])('refuses %s without a crash', async (_what, body, status) => {
    const before = await snapshot();
    const res = await app.request('/v1/reservations', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(status);
    expect(await snapshot()).toBe(before);
  });
});

describe('bodies on the Node server (read off the socket when their length is declared)', () => {
  const reservation = { team: 'growth', model: 'm', estimatedCostUsd: 0.1 };
  const post = async (url: string, body: string | ReadableStream<Uint8Array>) =>
    fetch(`${url}/v1/reservations`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
      ...(typeof body === 'string' ? {} : { duplex: 'half' }),
    } as RequestInit);
  const chunked = (text: string, pieces: number) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(text);
        const size = Math.ceil(bytes.length / pieces);
        for (let at = 0; at < bytes.length; at += size) controller.enqueue(bytes.slice(at, at + size));
        controller.close();
      },
    });

  it('admits a call sent with a Content-Length or in chunks, and refuses either over 64 KiB with a 413', async () => {
    const server = await listenApp(app, '127.0.0.1', 0);
    try {
      const before = await ledger.reservationCount();
      const sized = await post(server.url, JSON.stringify(reservation));
      expect([sized.status, ((await sized.json()) as { decision: string }).decision]).toEqual([
        200,
        'ALLOWED',
      ]);
      const inChunks = await post(server.url, chunked(JSON.stringify(reservation), 3));
      expect([inChunks.status, ((await inChunks.json()) as { decision: string }).decision]).toEqual([
        200,
        'ALLOWED',
      ]);
      expect(await ledger.reservationCount()).toBe(before + 2);
      const huge = JSON.stringify({ ...reservation, pad: 'x'.repeat(70_000) });
      for (const body of [huge, chunked(huge, 10)]) {
        const res = await post(server.url, body);
        expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([
          413,
          'PAYLOAD_TOO_LARGE',
        ]);
      }
      expect(await ledger.reservationCount()).toBe(before + 2);
    } finally {
      await server.close();
    }
  });
});

describe('decodeCostSpans under random input', () => {
  it('never throws, and every event it returns is sound', () => {
    const span = fc.record(
      {
        traceId: fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), fc.string()),
        spanId: fc.oneof(fc.stringMatching(/^[0-9a-f]{16}$/), fc.string()),
        startTimeUnixNano: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 63n }).map(String), fc.anything()),
        endTimeUnixNano: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 63n }).map(String), fc.anything()),
        attributes: fc.array(
          fc.record({
            key: fc.oneof(
              fc.constantFrom('genops.team', 'genops.model', 'genops.cost.total', 'genops.tokens.input'),
              fc.string(),
            ),
            value: fc.oneof(
              fc.record({ stringValue: nasty }),
              fc.record({ intValue: fc.oneof(fc.string(), fc.integer()) }),
              fc.record({ doubleValue: fc.oneof(fc.double(), fc.string()) }),
              fc.anything(),
            ),
          }),
        ),
        status: fc.anything(),
      },
      { requiredKeys: [] },
    );
    const message = fc.oneof(
      fc.string().map((s) => Buffer.from(s)),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
      fc
        .array(span, { maxLength: 5 })
        .map((spans) =>
          Buffer.from(JSON.stringify({ resourceSpans: [{ resource: {}, scopeSpans: [{ spans }] }] })),
        ),
    );
    fc.assert(
      fc.property(message, (bytes) => {
        const { events } = decodeCostSpans(bytes);
        for (const e of events) {
          expect(e.team.length).toBeGreaterThan(0);
          expect(e.costNano >= 0n && e.costNano <= 100_000n * 1_000_000_000n).toBe(true);
          expect(Number.isSafeInteger(e.inputTokens) && e.inputTokens >= 0).toBe(true);
          expect(/^[0-9a-f]{32}$/.test(e.traceId) && /^[0-9a-f]{16}$/.test(e.spanId)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
