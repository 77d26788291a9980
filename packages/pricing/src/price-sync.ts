// Price sync: today's prices from OpenRouter's model list, LiteLLM's price file or genai-prices' data, appended to a price history as
// new effective-dated entries only where a price changed. History is never rewritten. Pure: callers fetch.
import type { MatchRule } from './match-rule.js';
import type { ModelPrice, PriceTable } from './price-catalog.js';
import { pricesFromGenaiPrices } from './genai-prices.js';
import { pricesFromLiteLLM } from './litellm-prices.js';
import { pricesFromOpenRouter } from './openrouter-prices.js';
import { compact, PriceSourceError } from './price-units.js';
export { scaleDecimal, PriceSourceError } from './price-units.js';
export { pricesFromLiteLLM, pricesFromOpenRouter, pricesFromGenaiPrices };

export type PriceSource = 'openrouter' | 'litellm' | 'genai-prices';

export const PRICE_SOURCES: readonly PriceSource[] = ['openrouter', 'litellm', 'genai-prices'];

export const PRICE_SOURCE_URLS: Record<PriceSource, string> = {
  openrouter: 'https://openrouter.ai/api/v1/models',
  litellm: 'https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json',
  'genai-prices': 'https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/new_data/v2/data.json',
};

/** A source's body as current prices (and, from genai-prices, match rules), at `at`. */
export function pricesFromSource(
  source: PriceSource,
  body: unknown,
  at: Date = new Date(),
): { prices: Record<string, CurrentPrice>; match?: Record<string, MatchRule> } {
  if (source === 'openrouter') return { prices: pricesFromOpenRouter(body) };
  if (source === 'litellm') return { prices: pricesFromLiteLLM(body) };
  return pricesFromGenaiPrices(body, at);
}

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

/** Whether two prices are the same, their dates aside. */
export function samePrice(a: CurrentPrice | ModelPrice, b: CurrentPrice | ModelPrice): boolean {
  return priceKey(a) === priceKey(b);
}

export interface SyncResult {
  table: PriceTable;
  added: string[];
  changed: string[];
  unchanged: number;
}

export interface MergeOptions {
  /**
   * The history `history` is laid over (the bundled table): a model `history` lacks is compared with its list here,
   * and when its price changed, written to the result with that list and the new entry — so laying the result over
   * `base` keeps the model's earlier prices. Models unchanged from `base` are not copied.
   */
  base?: PriceTable;
  /** Match rules the source gives (genai-prices'): laid over the history's. */
  match?: Record<string, MatchRule>;
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
  options: MergeOptions = {},
): SyncResult {
  const models: Record<string, ModelPrice[]> = {};
  for (const [id, prices] of Object.entries(history.models)) models[id] = [...prices];
  const added: string[] = [];
  const changed: string[] = [];
  let unchanged = 0;
  for (const id of Object.keys(current).sort()) {
    const price = current[id]!;
    const list = models[id] ?? options.base?.models[id];
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
  const match = { ...history.match, ...options.match };
  return {
    table: { version, models, ...(Object.keys(match).length ? { match } : {}) },
    added,
    changed,
    unchanged,
  };
}
