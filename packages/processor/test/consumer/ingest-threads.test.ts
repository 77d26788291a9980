import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PriceCatalog } from '@genops/pricing';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeBatch, type CostMessage } from '../../src/consumer/decoded-batch.js';
import type { BatchIngest, ReadyBatch } from '../../src/consumer/batch-ingest.js';
import { batchIngest, ThreadIngest } from '../../src/consumer/ingest-threads.js';
import type { CostLedger } from '../../src/ledger/cost-ledger.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { AS_SENT } from '../support/ledger-contract.js';
import { foreignSpanMessage } from '../support/otlp.js';
import { otlpProto, sdkCostSpans } from '../support/sdk-spans.js';

// Now: the spend an ingest adds counts in the budget's current period, which its write takes from the clock.
const END_MS = Date.now();
const options = { catalog: PriceCatalog.bundled() };
let offset = 0n;

/** A cost-topic message holding one span per cost (team search), as the collector writes them. */
const message = (costs: number[], attributes: Record<string, string> = {}): CostMessage =>
  ({
    topic: 'costs',
    partition: 0,
    offset: offset++,
    leaderEpoch: 1,
    value: otlpProto(
      sdkCostSpans(costs.map((costUsd) => ({ team: 'search', costUsd, endMs: END_MS, attributes }))),
    ),
  }) as unknown as CostMessage;
const notOtlp = {
  topic: 'costs',
  partition: 1,
  offset: 9n,
  leaderEpoch: 1,
  value: Buffer.from('not OTLP'),
} as unknown as CostMessage;

let open: { ledger: CostLedger; ingest: BatchIngest }[] = [];
afterEach(async () => {
  for (const { ledger, ingest } of open) {
    await ingest.close();
    await ledger.close();
  }
  open = [];
});

/** A SQLite ledger in a file of its own, with a hard monthly budget for team search, and an ingest over it. */
async function ledgerWithIngest(make: (ledger: CostLedger, path: string) => BatchIngest) {
  const path = join(mkdtempSync(join(tmpdir(), 'genops-ingest-')), 'ledger.db');
  const ledger = await openLedger(`sqlite:${path}`);
  await ledger.putBudget(
    {
      team: 'search',
      period: 'monthly',
      timezone: 'UTC',
      thresholds: [0.8],
      limitUsd: 100,
      enforcement: 'hard',
    },
    END_MS,
  );
  const ingest = make(ledger, path);
  open.push({ ledger, ingest });
  return { ledger, ingest };
}

const total = async (ledger: CostLedger) => {
  const [row] = await ledger.aggregate({ fromMs: 0, toMs: END_MS + 1, groupBy: [], filters: {} });
  return [row?.requests, row?.costNano];
};
/** What the consumer reads off a ready batch besides its write. */
const outline = ({ write: _, ...rest }: ReadyBatch) => rest;
const search = {
  team: 'search',
  project: '',
  customer: '',
  feature: '',
  environment: '',
  model: 'deepseek/deepseek-chat',
};

describe('ThreadIngest (GENOPS_INGEST_THREADS=on, the default)', () => {
  it('decodes on its threads what the consumer’s thread decodes, and writes each event once', async () => {
    const { ledger, ingest } = await ledgerWithIngest((l, path) => new ThreadIngest(l, path));
    const [a, b] = [message([0.25, 0.5]), message([1])];
    const first = await ingest.decode([a!, notOtlp], options);
    const { events: _, ...decoded } = decodeBatch([a!, notOtlp], options);
    expect(outline(first)).toEqual(decoded);
    expect(await first.write()).toEqual({
      result: { inserted: 2, duplicates: 0 },
      calls: [search],
      unpriced: {},
    });
    // The next batch goes to the other thread: a's events are duplicates there too.
    const second = await ingest.decode([a!, b!], options);
    expect((await second.write()).result).toEqual({ inserted: 1, duplicates: 2 });
    expect(await total(ledger)).toEqual([3, 1_750_000_000n]);
    expect((await ledger.counters('team=search', END_MS))?.spentNano).toBe(1_750_000_000n);
  });

  it('counts unpriced calls by model, priced with the catalog it is sent as that changes', async () => {
    const { ingest } = await ledgerWithIngest((l, path) => new ThreadIngest(l, path));
    // Calls another instrumentation recorded, with no cost: the bundled catalog prices gpt-4o, an empty one cannot.
    const foreign = () => {
      const attributes: [string, number | string][] = [
        ['gen_ai.request.model', 'gpt-4o'],
        ['gen_ai.usage.input_tokens', 1000],
        ['gen_ai.usage.output_tokens', 500],
      ];
      const value = Buffer.from(foreignSpanMessage(attributes, [['service.name', 'checkout-api']]));
      return {
        topic: 'costs',
        partition: 2,
        offset: offset++,
        leaderEpoch: 1,
        value,
      } as unknown as CostMessage;
    };
    const unpriced = { 'gpt-4o': 2 }; // the name as sent: no catalog entry resolves it
    for (const [catalog, expected] of [
      [AS_SENT, unpriced],
      [PriceCatalog.bundled(), {}],
      [AS_SENT, unpriced],
    ] as const) {
      const ready = await ingest.decode([foreign(), foreign()], { catalog });
      expect((await ready.write()).unpriced).toEqual(expected);
    }
  });

  it('takes turns with the processor’s admissions on the same budget: counters equal the raw rows', async () => {
    const { ledger, ingest } = await ledgerWithIngest((l, path) => new ThreadIngest(l, path));
    const budgets = [{ key: 'team=search', templateKey: '' }];
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      const id = `r${i}`;
      const outcome = await ledger.reserve({
        id,
        team: 'search',
        budgets,
        amountNano: 1_000_000n,
        nowMs: END_MS,
        expiresMs: END_MS + 60_000,
      });
      expect(outcome?.admitted).toBe(true);
      // Each call settles (its span, 0.0005 USD, decoded and written on a thread) while the next are admitted.
      const ready = await ingest.decode([message([0.0005], { 'genops.budget.reservation_id': id })], options);
      writes.push(ready.write());
    }
    await Promise.all(writes);
    expect(await ledger.reservationCount()).toBe(0);
    const counters = await ledger.counters('team=search', END_MS);
    expect([counters?.spentNano, counters?.reservedNano]).toEqual([100_000_000n, 0n]);
    const [recounted] = await ledger.recount(END_MS, 'team=search');
    expect(recounted?.after).toEqual(recounted?.before);
  });

  it('fails a write whose batch was lost with its thread (the consumer reads it again)', async () => {
    const { ledger, ingest } = await ledgerWithIngest((l, path) => new ThreadIngest(l, path));
    const ready = await ingest.decode([message([0.25])], options);
    await ingest.close(); // the threads end; the write starts a new one, which never decoded the batch
    await expect(ready.write()).rejects.toThrow(
      'ingest thread: batch 0 is not held here (the thread that decoded it was lost)',
    );
    expect(await total(ledger)).toEqual([undefined, undefined]);
  });

  it('decodes and writes on the consumer’s thread, warning once, when its threads cannot run', async () => {
    const warnings: string[] = [];
    const { ledger, ingest } = await ledgerWithIngest(
      (l, path) => new ThreadIngest(l, path, (m) => warnings.push(m), '/nowhere/ingest-thread.js'),
    );
    expect(ingest.concurrent).toBe(false);
    const ready = await ingest.decode([message([0.25]), notOtlp], options);
    expect(ready.deadLetters.map((d) => d.value.toString())).toEqual(['not OTLP']);
    expect((await ready.write()).result).toEqual({ inserted: 1, duplicates: 0 });
    expect(await total(ledger)).toEqual([1, 250_000_000n]);
    expect(warnings).toEqual([
      "decoding and writing on the consumer's thread: the ingest thread cannot run (its module /nowhere/ingest-thread.js is missing)",
    ]);
  });

  it('fails the batches its threads died under, and gives up once a thread is lost twice in a row', async () => {
    const dying = join(mkdtempSync(join(tmpdir(), 'genops-thread-')), 'ingest-thread.mjs');
    writeFileSync(dying, 'process.exit(4);\n');
    const warnings: string[] = [];
    const { ledger, ingest } = await ledgerWithIngest(
      (l, path) => new ThreadIngest(l, path, (m) => warnings.push(m), dying),
    );
    const batch = [message([0.25])];
    // Batches go to the two threads in turn: the first is lost twice at the third batch.
    for (const concurrentAfter of [true, true, false]) {
      await expect(ingest.decode(batch, options)).rejects.toThrow('ingest thread exited (4)');
      expect(ingest.concurrent).toBe(concurrentAfter);
    }
    expect((await (await ingest.decode(batch, options)).write()).result).toEqual({
      inserted: 1,
      duplicates: 0,
    });
    expect(await total(ledger)).toEqual([1, 250_000_000n]);
    expect(warnings).toEqual([
      "decoding and writing on the consumer's thread: the ingest thread cannot run (ingest thread exited (4))",
    ]);
  });
});

describe('batchIngest', () => {
  const ledger = {} as CostLedger;
  it('decodes and writes on ingest threads only for a SQLite ledger in a file, with GENOPS_INGEST_THREADS=on', async () => {
    const kinds = [
      ['sqlite:/tmp/genops-ledger.db', true],
      ['sqlite:/tmp/genops-ledger.db', false],
      ['sqlite::memory:', true],
      ['postgres://genops@127.0.0.1/genops', true],
    ] as const;
    const ingests = kinds.map(([ledgerUrl, ingestThreads]) =>
      batchIngest({ ledgerUrl, ingestThreads, decodeThread: true }, ledger, () => {}),
    );
    expect(ingests.map((w) => w instanceof ThreadIngest)).toEqual([true, false, false, false]);
    for (const w of ingests) await w.close();
  });
});
