// OpenRouter's model listing (`GET /api/v1/models`) as our prices: USD per token as decimal strings, fees per call
// and per web search, and `pricing.overrides` — long-context tiers (`min_prompt_tokens`: a prompt strictly above it
// is priced whole at the entry's prices; later entries win per price, absent prices inherit the base).
import type { LongContextTier, ModelPrice, TokenPrices } from './price-types.js';
import { compact, perMillion, perUnit, PriceSourceError } from './price-units.js';

type CurrentPrice = Omit<ModelPrice, 'effectiveFrom'>;
type Raw = Record<string, unknown>;

interface OpenRouterModel {
  id?: unknown;
  pricing?: Raw;
}

function tokenPrices(p: Raw): Partial<TokenPrices> {
  return compact({
    input: perMillion(p.prompt),
    output: perMillion(p.completion),
    cacheRead: perMillion(p.input_cache_read),
    cacheWrite: perMillion(p.input_cache_write),
    cacheWrite1h: perMillion(p.input_cache_write_1h),
    reasoning: perMillion(p.internal_reasoning),
  });
}

/**
 * The overrides conditioned on the prompt's size alone, as long-context tiers in the listing's order. An override
 * with another condition (a `utc_start`/`utc_end` window, `utc_days`) is left out: the base prices are those in
 * force under default conditions, and a time-of-day discount is not a price we can date.
 */
function longContext(overrides: unknown): LongContextTier[] | undefined {
  if (!Array.isArray(overrides)) return undefined;
  const tiers: LongContextTier[] = [];
  for (const entry of overrides as Raw[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const threshold = entry.min_prompt_tokens;
    const conditions = Object.keys(entry).filter((k) => k.startsWith('utc_') || k === 'min_prompt_tokens');
    if (!Number.isInteger(threshold) || (threshold as number) <= 0 || conditions.length !== 1) continue;
    const prices = tokenPrices(entry);
    if (Object.keys(prices).length) tiers.push({ thresholdTokens: threshold as number, ...prices });
  }
  return tiers.length ? tiers : undefined;
}

/** OpenRouter's `GET /api/v1/models`: one price per listed model id; variable-priced routers (`-1`) have none. */
export function pricesFromOpenRouter(body: unknown): Record<string, CurrentPrice> {
  const data = (body as { data?: unknown })?.data;
  if (!Array.isArray(data)) throw new PriceSourceError('OpenRouter models: expected { data: [...] }');
  const out: Record<string, CurrentPrice> = {};
  for (const model of data as OpenRouterModel[]) {
    if (typeof model?.id !== 'string' || !model.pricing) continue;
    const p = model.pricing;
    const base = tokenPrices(p);
    if (base.input === undefined || base.output === undefined) continue;
    const long = longContext(p.overrides);
    out[model.id] = compact({
      ...(base as TokenPrices),
      request: perUnit(p.request),
      webSearch: perUnit(p.web_search),
      ...(long ? { longContext: long } : {}),
    });
  }
  return out;
}
