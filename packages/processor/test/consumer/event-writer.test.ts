import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventWriter, ThreadWriter, type EventWriter } from '../../src/consumer/event-writer.js';
import type { CostLedger } from '../../src/ledger/cost-ledger.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { event } from '../support/ledger-contract.js';
import { hex } from '../support/otlp.js';

// Now: the spend an ingest adds counts in the budget's current period, which its write takes from the clock.
const END_MS = Date.now();
const call = (costUsd: number, reservationId?: string) =>
  event({
    traceId: hex(16),
    spanId: hex(8),
    team: 'search',
    costUsd,
    endMs: END_MS,
    ...(reservationId ? { reservationId } : {}),
  });

let open: { ledger: CostLedger; writer: EventWriter }[] = [];
afterEach(async () => {
  for (const { ledger, writer } of open) {
    await writer.close();
    await ledger.close();
  }
  open = [];
});

/** A SQLite ledger in a file of its own, with a hard monthly budget for team search, and a writer over it. */
async function ledgerWithWriter(make: (ledger: CostLedger, path: string) => EventWriter) {
  const path = join(mkdtempSync(join(tmpdir(), 'genops-writer-')), 'ledger.db');
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
  const writer = make(ledger, path);
  open.push({ ledger, writer });
  return { ledger, writer };
}

const total = async (ledger: CostLedger) => {
  const [row] = await ledger.aggregate({ fromMs: 0, toMs: END_MS + 1, groupBy: [], filters: {} });
  return [row?.requests, row?.costNano];
};

describe('ThreadWriter (GENOPS_WRITE_THREAD=on)', () => {
  it('writes on a connection of its own what the processor’s ledger then reads, each event once', async () => {
    const { ledger, writer } = await ledgerWithWriter((l, path) => new ThreadWriter(l, path));
    const [a, b, c] = [call(0.25), call(0.5), call(1)];
    expect(await writer.insertEvents([a!, b!, a!])).toEqual({ inserted: 2, duplicates: 1 });
    expect(await writer.insertEvents([a!, c!])).toEqual({ inserted: 1, duplicates: 1 });
    expect(await total(ledger)).toEqual([3, 1_750_000_000n]);
    expect((await ledger.counters('team=search', END_MS))?.spentNano).toBe(1_750_000_000n);
  });

  it('takes turns with the processor’s admissions on the same budget: counters equal the raw rows', async () => {
    const { ledger, writer } = await ledgerWithWriter((l, path) => new ThreadWriter(l, path));
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
      // Each call settles (its span, 0.0005 USD, written on the thread) while the next ones are admitted.
      writes.push(writer.insertEvents([call(0.0005, id)]));
    }
    await Promise.all(writes);
    expect(await ledger.reservationCount()).toBe(0);
    const counters = await ledger.counters('team=search', END_MS);
    expect([counters?.spentNano, counters?.reservedNano]).toEqual([100_000_000n, 0n]);
    const [recounted] = await ledger.recount(END_MS, 'team=search');
    expect(recounted?.after).toEqual(recounted?.before);
  });

  it('writes with the processor’s ledger, warning once, when its thread cannot run', async () => {
    const warnings: string[] = [];
    const { ledger, writer } = await ledgerWithWriter(
      (l, path) => new ThreadWriter(l, path, (m) => warnings.push(m), '/nowhere/write-thread.js'),
    );
    expect(await writer.insertEvents([call(0.25)])).toEqual({ inserted: 1, duplicates: 0 });
    expect(await total(ledger)).toEqual([1, 250_000_000n]);
    expect(warnings).toEqual([
      "writing to the ledger on the consumer's thread: the ledger write thread cannot run (its module /nowhere/write-thread.js is missing)",
    ]);
  });

  it('fails the batch its thread died under (the consumer reads it again), and gives up after two', async () => {
    const dying = join(mkdtempSync(join(tmpdir(), 'genops-thread-')), 'write-thread.mjs');
    writeFileSync(dying, 'process.exit(4);\n');
    const warnings: string[] = [];
    const { ledger, writer } = await ledgerWithWriter(
      (l, path) => new ThreadWriter(l, path, (m) => warnings.push(m), dying),
    );
    const batch = [call(0.25)];
    await expect(writer.insertEvents(batch)).rejects.toThrow('ledger write thread exited (4)');
    await expect(writer.insertEvents(batch)).rejects.toThrow('ledger write thread exited (4)');
    expect(await total(ledger)).toEqual([undefined, undefined]);
    expect(await writer.insertEvents(batch)).toEqual({ inserted: 1, duplicates: 0 });
    expect(warnings).toEqual([
      "writing to the ledger on the consumer's thread: the ledger write thread cannot run (ledger write thread exited (4))",
    ]);
  });
});

describe('eventWriter', () => {
  const ledger = {} as CostLedger;
  it('writes on a thread only for a SQLite ledger in a file, with GENOPS_WRITE_THREAD=on', async () => {
    const kinds = [
      ['sqlite:/tmp/genops-ledger.db', true],
      ['sqlite:/tmp/genops-ledger.db', false],
      ['sqlite::memory:', true],
      ['postgres://genops@127.0.0.1/genops', true],
    ] as const;
    const writers = kinds.map(([ledgerUrl, writeThread]) =>
      eventWriter({ ledgerUrl, writeThread }, ledger, () => {}),
    );
    expect(writers.map((w) => w instanceof ThreadWriter)).toEqual([true, false, false, false]);
    for (const w of writers) await w.close();
  });
});
