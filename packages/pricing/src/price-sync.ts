// Price sync: today's prices from OpenRouter's model list or LiteLLM's price file, appended to a price history as
// new effective-dated entries only where a price changed. History is never rewritten. Pure: callers fetch.
import type { ModelPrice, PriceTable } from './price-catalog.js';
import { compact, PriceSourceError } from './price-units.js';
export { scaleDecimal, PriceSourceError } from './price-units.js';
export { pricesFromLiteLLM } from './litellm-prices.js';
export { pricesFromOpenRouter } from './openrouter-prices.js';

export type PriceSource = 'openrouter' | 'litellm';

export const PRICE_SOURCE_URLS: Record<PriceSource, string> = {
  openrouter: 'https://openrouter.ai/api/v1/models',
  litellm: 'https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json',
};

/** A model's current price without its date. */
export type CurrentPrice = Omit<ModelPrice, 'effectiveFrom'>;

/** Canonical JSON of a price without its date, for comparing. */
function priceKey(price: CurrentPrice | ModelPrice): string {
  const { effectiveFrom: _ignored, ...rest } = price as ModelPrice;
  const sort = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, x]) => [k, sort(x)]),
        )
      : v;
  return JSON.stringify(sort(compact(rest)));
}

export interface SyncResult {
  table: PriceTable;
  added: string[];
  changed: string[];
  unchanged: number;
}

/**
 * Appends `current` to `history`: a model not in it gets its first entry, a model whose latest entry differs gets a
 * new one from `effectiveFrom`; nothing already there is modified or removed (models the source no longer lists
 * keep their history).
 */
export function mergePrices(
  history: PriceTable,
  current: Record<string, CurrentPrice>,
  effectiveFrom: string,
  version: string,
): SyncResult {
  const models: Record<string, ModelPrice[]> = {};
  for (const [id, prices] of Object.entries(history.models)) models[id] = [...prices];
  const added: string[] = [];
  const changed: string[] = [];
  let unchanged = 0;
  for (const id of Object.keys(current).sort()) {
    const price = current[id]!;
    const list = models[id];
    const latest = list?.reduce((a, b) =>
      Date.parse(b.effectiveFrom) >= Date.parse(a.effectiveFrom) ? b : a,
    );
    if (latest && priceKey(latest) === priceKey(price)) {
      unchanged++;
      continue;
    }
    if (latest && Date.parse(latest.effectiveFrom) >= Date.parse(effectiveFrom))
      throw new PriceSourceError(
        `${id}: a price from ${latest.effectiveFrom} is already recorded; a change must take effect after it`,
      );
    (list ? changed : added).push(id);
    models[id] = [...(list ?? []), { effectiveFrom, ...price }];
  }
  return { table: { version, models }, added, changed, unchanged };
}
