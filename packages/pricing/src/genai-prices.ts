// Pydantic's genai-prices data (its `data.json`, the npm package's embedded providers) as our prices and as match
// rules for model identity. A maker's model `claude-sonnet-4-5` becomes `anthropic/claude-sonnet-4.5`; its tiered
// prices (`{ base, tiers: [{ start, price }] }`, a prompt strictly above `start` priced whole at `price`) become
// long-context tiers; of its dated prices the one in force at the sync's time is taken; its `match` clause says
// which names mean it.
import type { LongContextTier, ModelPrice, TokenPrices } from './price-types.js';
import type { MatchRule } from './match-rule.js';
import { familyMaker, parseModelName } from './model-identity.js';
import { compact, PriceSourceError, scaleDecimal } from './price-units.js';

type CurrentPrice = Omit<ModelPrice, 'effectiveFrom'>;

/** genai-prices' providers that are a model's maker, and our vendor name for each. Platforms are left out. */
const MAKERS: Record<string, string> = {
  anthropic: 'anthropic',
  openai: 'openai',
  google: 'google',
  deepseek: 'deepseek',
  mistral: 'mistralai',
  'x-ai': 'x-ai',
  moonshotai: 'moonshotai',
};

type Rate = number | { base: number; tiers: { start: number; price: number }[] };
type Prices = Record<string, Rate | undefined>;
interface Model {
  id: string;
  match?: MatchRule;
  prices: Prices | { constraint?: { type?: string; start_date?: string }; prices: Prices }[];
}
interface Provider {
  id: string;
  models: Model[];
}

const TOKEN_KEYS: Record<string, keyof TokenPrices> = {
  input_mtok: 'input',
  output_mtok: 'output',
  cache_read_mtok: 'cacheRead',
  cache_write_mtok: 'cacheWrite',
  cache_write_1h_mtok: 'cacheWrite1h',
};

/**
 * The prices in force at `at`: the latest dated entry that has started. Time-of-day entries (DeepSeek's off-peak
 * discount) cannot be dated: of them and the rest, the full — highest — price, never a discount.
 */
function pricesAt(model: Model, at: Date): Prices | undefined {
  if (!Array.isArray(model.prices)) return model.prices;
  let found: Prices | undefined;
  const timeOfDay: Prices[] = [];
  for (const entry of model.prices) {
    const c = entry.constraint;
    if (!c) found ??= entry.prices;
    else if (c.type === 'start_date' && c.start_date && Date.parse(c.start_date) <= at.getTime())
      found = entry.prices;
    else if (c.type === 'time_of_date') timeOfDay.push(entry.prices);
  }
  const input = (p: Prices | undefined) => {
    const rate = p?.input_mtok;
    return typeof rate === 'number' ? rate : (rate?.base ?? -1);
  };
  return [...timeOfDay, found].reduce((a, b) => (input(b) > input(a) ? b : a), found);
}

function toPrice(prices: Prices): CurrentPrice | undefined {
  const base: Partial<TokenPrices> = {};
  const tiers = new Map<number, LongContextTier>();
  for (const [key, field] of Object.entries(TOKEN_KEYS)) {
    const rate = prices[key];
    if (rate === undefined) continue;
    if (typeof rate === 'number') {
      base[field] = rate;
      continue;
    }
    base[field] = rate.base;
    for (const { start, price } of rate.tiers) {
      const tier = tiers.get(start) ?? { thresholdTokens: start };
      tier[field] = price;
      tiers.set(start, tier);
    }
  }
  if (base.input === undefined || base.output === undefined) return undefined;
  const longContext = [...tiers.values()].sort((a, b) => a.thresholdTokens - b.thresholdTokens);
  return compact({
    ...(base as TokenPrices),
    request: scaleDecimal(prices.requests_kcount, -3),
    webSearch: scaleDecimal(prices.web_searches_kcount, -3),
    ...(longContext.length ? { longContext } : {}),
  });
}

export interface GenaiPrices {
  /** vendor/model → its price at the sync's time. */
  prices: Record<string, CurrentPrice>;
  /** vendor/model → the names it answers to, in the source's order (the first model matching a name is it). */
  match: Record<string, MatchRule>;
}

/** genai-prices' providers (its `data.json`): the makers' models' prices at `at` and their match rules. */
export function pricesFromGenaiPrices(body: unknown, at: Date = new Date()): GenaiPrices {
  if (!Array.isArray(body)) throw new PriceSourceError('genai-prices: expected a list of providers');
  const out: GenaiPrices = { prices: {}, match: {} };
  for (const provider of body as Provider[]) {
    const vendor = MAKERS[provider?.id];
    if (!vendor || !Array.isArray(provider.models)) continue;
    for (const model of provider.models) {
      if (typeof model?.id !== 'string') continue;
      const key = parseModelName(model.id).key;
      // A maker's provider also lists models it hosts (Vertex's Claude): those are priced under their own maker.
      if ((familyMaker(key) ?? vendor) !== vendor) continue;
      const id = `${vendor}/${key}`;
      if (id in out.prices) continue; // the first of the source's models for one id is the one its rules find first
      const prices = pricesAt(model, at);
      const price = prices && toPrice(prices);
      if (!price) continue;
      out.prices[id] = price;
      if (model.match) out.match[id] = model.match;
    }
  }
  return out;
}
