// Runs a price sync: fetch a source, append changed prices to the history file (atomically), report what changed.
// Used by `genops prices sync` and, on a schedule, by `genops serve` (which then reloads its catalog).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  mergePrices,
  PRICE_SOURCE_URLS,
  BUNDLED_PRICES,
  PriceCatalog,
  pricesFromSource,
  PriceSourceError,
  type PriceSource,
  type PriceTable,
  type SyncResult,
} from '@genops/pricing';

export interface PriceSyncOptions {
  source: PriceSource;
  /** Where to fetch; defaults to the source's public URL. */
  url?: string;
  /** The price history file (JSON) to append to; created when missing. */
  out: string;
  /** Date the new entries take effect (ISO); default now. */
  effectiveFrom?: string;
  timeoutMs?: number;
}

function readHistory(path: string): PriceTable {
  if (!existsSync(path)) return { version: 'empty', models: {} };
  const table = JSON.parse(readFileSync(path, 'utf8')) as PriceTable;
  new PriceCatalog(table); // validates: a broken history stops the sync, naming the entry
  return table;
}

export async function runPriceSync(options: PriceSyncOptions): Promise<SyncResult> {
  const url = options.url ?? PRICE_SOURCE_URLS[options.source];
  const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
  if (!response.ok) throw new PriceSourceError(`${options.source}: ${response.status} from ${url}`);
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new PriceSourceError(`${options.source}: ${url} did not return JSON (${(error as Error).message})`);
  }
  const effectiveFrom = options.effectiveFrom ?? new Date().toISOString();
  const { prices, match } = pricesFromSource(options.source, body, new Date(effectiveFrom));
  // Compared with the bundled history too: a model first synced keeps its bundled prices before this one.
  const result = mergePrices(
    readHistory(options.out),
    prices,
    effectiveFrom,
    `${options.source}-${effectiveFrom.slice(0, 10)}`,
    { base: BUNDLED_PRICES, ...(match ? { match } : {}) },
  );
  if (result.added.length || result.changed.length) {
    const tmp = `${options.out}.tmp-${process.pid}`;
    writeFileSync(tmp, `${JSON.stringify(result.table, null, 2)}\n`);
    renameSync(tmp, options.out);
  }
  return result;
}

export function describeSync(source: PriceSource, out: string, result: SyncResult): string {
  const list = (ids: string[]) => (ids.length > 8 ? `${ids.slice(0, 8).join(', ')}, …` : ids.join(', '));
  return (
    `${source}: ${result.added.length} added, ${result.changed.length} changed, ${result.unchanged} unchanged → ${out}\n` +
    (result.added.length ? `  added: ${list(result.added)}\n` : '') +
    (result.changed.length ? `  changed: ${list(result.changed)}\n` : '')
  );
}
