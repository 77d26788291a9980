import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PriceCatalog } from '@genops/pricing';
import { afterAll, describe, expect, it } from 'vitest';
import { ThreadDecoder } from '../../src/consumer/batch-decoder.js';
import { decodeBatch, type CostMessage } from '../../src/consumer/decoded-batch.js';
import { AttributionRules } from '../../src/decode/attribution-rules.js';
import { reconciliationPolicy } from '../../src/reconcile/reconcile-policy.js';
import { AS_SENT } from '../support/ledger-contract.js';
import { foreignSpanMessage } from '../support/otlp.js';
import { otlpProto, sdkCostSpans } from '../support/sdk-spans.js';

const message = (partition: number, offset: bigint, value: string | Buffer): CostMessage =>
  ({
    topic: 'costs',
    partition,
    offset,
    leaderEpoch: 1,
    value: Buffer.from(value),
  }) as unknown as CostMessage;

/** A call another instrumentation recorded: no GenOps attributes, no cost — the catalog prices it, a rule attributes it. */
const foreign = foreignSpanMessage(
  [
    ['gen_ai.request.model', 'gpt-4o'],
    ['gen_ai.usage.input_tokens', 1000],
    ['gen_ai.usage.output_tokens', 500],
  ],
  [['service.name', 'checkout-api']],
);

const batch = [
  message(0, 40n, foreign),
  message(1, 7n, otlpProto(sdkCostSpans([{ team: 'search', costUsd: 0.25, endMs: 1_796_040_000_000 }]))),
  // An OpenRouter call whose cost was estimated: queued for reconciliation with the bill.
  message(
    2,
    3n,
    otlpProto(
      sdkCostSpans([
        {
          team: 'search',
          costUsd: 0,
          endMs: 1_796_040_000_000,
          attributes: { 'genops.cost.source': 'estimated', 'genops.openrouter.generation_id': 'gen-1' },
        },
      ]),
    ),
  ),
  message(1, 8n, 'not OTLP'),
];
const rules = AttributionRules.parse(
  'rules:\n  - match: { service.name: checkout-* }\n    set: { team: payments }\n',
  'rules.yaml',
);
const reconcile = reconciliationPolicy(0);

describe('ThreadDecoder (GENOPS_DECODE_THREAD=on)', () => {
  const decoder = new ThreadDecoder();
  afterAll(() => decoder.close());

  it("decodes on its thread exactly what the consumer's thread decodes, following each change of catalog", async () => {
    for (const catalog of [PriceCatalog.bundled(), AS_SENT, PriceCatalog.bundled()]) {
      const options = { catalog, rules, reconcile };
      expect(await decoder.decode(batch, options)).toEqual(decodeBatch(batch, options));
    }
    const priced = await decoder.decode(batch, { catalog: PriceCatalog.bundled(), rules, reconcile });
    const unpriced = await decoder.decode(batch, { catalog: AS_SENT, rules, reconcile });
    // gpt-4o at the bundled table's 2.50 / 10 USD per million tokens; the empty catalog cannot price it.
    expect(priced.events.map((e) => [e.team, e.costNano, e.reconcile ?? false])).toEqual([
      ['payments', 7_500_000n, false],
      ['search', 250_000_000n, false],
      ['search', 480_900n, true], // estimated: priced with the catalog, 1,200 + 345 tokens of deepseek-chat
    ]);
    expect([unpriced.events[0]!.costSource, unpriced.events[0]!.costNano]).toEqual(['unknown', 0n]);
    expect(priced.encodings).toEqual({ otlp_json: 1, otlp_proto: 2, invalid: 1 });
    expect(priced.deadLetters.map((d) => d.value.toString())).toEqual(['not OTLP']);
  });

  it('fails the batch in flight when its thread goes away, and decodes the next on a new thread', async () => {
    const options = { catalog: PriceCatalog.bundled(), rules };
    const inFlight = expect(decoder.decode(batch, options)).rejects.toThrow('the decoding thread was closed');
    await decoder.close();
    await inFlight;
    expect(await decoder.decode(batch, options)).toEqual(decodeBatch(batch, options));
  });

  it('sends a new thread the catalog in force, though the thread before it had been sent the same one', async () => {
    // A thread starts with the bundled catalog: one that missed AS_SENT would price gpt-4o.
    const options = { catalog: AS_SENT, rules };
    expect(await decoder.decode(batch, options)).toEqual(decodeBatch(batch, options));
    await decoder.close();
    const again = await decoder.decode(batch, options);
    expect(again).toEqual(decodeBatch(batch, options));
    expect([again.events[0]!.costSource, again.events[0]!.costNano]).toEqual(['unknown', 0n]);
  });
});

describe('ThreadDecoder that cannot run its thread', () => {
  const options = { catalog: PriceCatalog.bundled(), rules };

  it('decodes on the consumer’s thread when the module is missing (a bundle), warning once', async () => {
    const warnings: string[] = [];
    const decoder = new ThreadDecoder('/nowhere/decode-thread.js', (m) => warnings.push(m));
    expect(decoder.concurrent).toBe(false);
    expect(await decoder.decode(batch, options)).toEqual(decodeBatch(batch, options));
    expect(warnings).toEqual([
      "decoding on the consumer's thread: the decoding thread cannot run (its module /nowhere/decode-thread.js is missing)",
    ]);
  });

  it('goes back to the consumer’s thread after losing two threads in a row, the batches in flight failed', async () => {
    const dying = join(mkdtempSync(join(tmpdir(), 'genops-thread-')), 'decode-thread.mjs');
    writeFileSync(dying, 'process.exit(3);\n');
    const warnings: string[] = [];
    const decoder = new ThreadDecoder(dying, (m) => warnings.push(m));
    await expect(decoder.decode(batch, options)).rejects.toThrow('decoding thread exited (3)');
    expect(decoder.concurrent).toBe(true);
    await expect(decoder.decode(batch, options)).rejects.toThrow('decoding thread exited (3)');
    expect(decoder.concurrent).toBe(false);
    expect(await decoder.decode(batch, options)).toEqual(decodeBatch(batch, options));
    expect(warnings).toEqual([
      "decoding on the consumer's thread: the decoding thread cannot run (decoding thread exited (3))",
    ]);
  });
});
