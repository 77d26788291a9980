// LiteLLM's `model_prices_and_context_window.json` as our prices: chat and Responses-API models, USD per token, with
// cache reads and writes (5 minutes and 1 hour), reasoning, long-context tiers (`*_above_<N>k_tokens`) and service
// tiers (`*_priority`, `*_flex`, `*_batches` → `batch`) with their own long-context tiers (`*_above_200k_tokens_priority`). Keys are read as model names (model-identity.ts): LiteLLM's
// `gemini/…`, `vertex_ai/…@date`, Bedrock's `anthropic.…-v1:0` and the bare first-party keys of one model become one
// vendor/model id, the first-party entry winning where several price it.
import type { ModelPrice, ServiceTierPrices, TokenPrices } from './price-types.js';
import { parseModelName } from './model-identity.js';
import { compact, perMillion, PriceSourceError } from './price-units.js';

type CurrentPrice = Omit<ModelPrice, 'effectiveFrom'>;
type Raw = Record<string, unknown>;

/** LiteLLM providers that are a maker's own API, and the maker. */
const FIRST_PARTY: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'google',
  deepseek: 'deepseek',
  mistral: 'mistralai',
  xai: 'x-ai',
  moonshot: 'moonshotai',
  dashscope: 'qwen',
};
/** The maker behind other LiteLLM provider names, for keys that do not say it. */
const VENDOR_OF_PROVIDER: Record<string, string> = {
  ...FIRST_PARTY,
  'vertex_ai-language-models': 'google',
  'vertex_ai-anthropic_models': 'anthropic',
};
const PRICED_MODES = new Set(['chat', 'responses']);
const TIERS: Record<string, string> = { priority: 'priority', flex: 'flex', batches: 'batch' };

function tokenPrices(raw: Raw, suffix: string): Partial<TokenPrices> {
  return compact({
    input: perMillion(raw[`input_cost_per_token${suffix}`]),
    output: perMillion(raw[`output_cost_per_token${suffix}`]),
    cacheRead: perMillion(raw[`cache_read_input_token_cost${suffix}`]),
    cacheWrite: perMillion(raw[`cache_creation_input_token_cost${suffix}`]),
    cacheWrite1h: perMillion(raw[`cache_creation_input_token_cost_above_1hr${suffix}`]),
  });
}

/** The `*_above_<N>k_tokens` tiers, lowest first: the whole call at a tier's prices once the prompt is over N thousand. */
function longContext(raw: Raw, suffix = ''): ModelPrice['longContext'] {
  const pattern = new RegExp(`^(?:input|output)_cost_per_token_above_(\\d+)k_tokens${suffix}$`);
  const thresholds = [
    ...new Set(
      Object.keys(raw)
        .map((k) => pattern.exec(k)?.[1])
        .filter((n): n is string => n !== undefined)
        .map(Number),
    ),
  ].sort((a, b) => a - b);
  if (!thresholds.length) return undefined;
  return thresholds.map((n) => ({
    thresholdTokens: n * 1000,
    ...tokenPrices(raw, `_above_${n}k_tokens${suffix}`),
  }));
}

function serviceTiers(raw: Raw): ModelPrice['serviceTiers'] {
  const tiers: Record<string, ServiceTierPrices> = {};
  for (const [suffix, tier] of Object.entries(TIERS)) {
    const long = longContext(raw, `_${suffix}`);
    const prices = { ...tokenPrices(raw, `_${suffix}`), ...(long ? { longContext: long } : {}) };
    if (Object.keys(prices).length) tiers[tier] = prices;
  }
  return Object.keys(tiers).length ? tiers : undefined;
}

/**
 * The vendor/model id a LiteLLM key prices, and how much its price counts where several keys price one model: the
 * maker's own API under the undated key (3) or a dated snapshot (2); a platform's — Vertex, Bedrock, Azure, a
 * host — (1), whose prices may be regional or its own.
 */
function idOf(key: string, raw: Raw): { id: string; rank: number } {
  if (key.startsWith('openrouter/')) return { id: key.slice('openrouter/'.length), rank: 1 };
  const provider = typeof raw.litellm_provider === 'string' ? raw.litellm_provider : '';
  const { vendor, key: model } = parseModelName(key);
  const maker = vendor ?? VENDOR_OF_PROVIDER[provider];
  if (!maker) return { id: key, rank: 1 };
  const bare = key.split('/').pop()!;
  const own = FIRST_PARTY[provider] === maker;
  return { id: `${maker}/${model}`, rank: own ? (bare === model ? 3 : 2) : 1 };
}

function priceOf(raw: Raw, base: Partial<TokenPrices>): CurrentPrice {
  const long = longContext(raw);
  const tiers = serviceTiers(raw);
  return compact({
    ...(base as TokenPrices),
    reasoning: perMillion(raw.output_cost_per_reasoning_token),
    ...(long ? { longContext: long } : {}),
    ...(tiers ? { serviceTiers: tiers } : {}),
  });
}

/** The price most of a model's keys agree on (platforms mostly list the maker's price); the first among equals. */
function mostCommon(prices: CurrentPrice[]): CurrentPrice {
  const counts = new Map<string, { price: CurrentPrice; n: number }>();
  for (const price of prices) {
    const key = JSON.stringify(price);
    const seen = counts.get(key) ?? { price, n: 0 };
    seen.n++;
    counts.set(key, seen);
  }
  return [...counts.values()].reduce((a, b) => (b.n > a.n ? b : a)).price;
}

export interface LiteLLMOptions {
  /** Only models a maker's own API prices (leaving out those only Bedrock, Vertex, Azure or a host lists). */
  firstPartyOnly?: boolean;
}

/**
 * One price per model: its best-ranked keys' (`idOf`) — the maker's own undated key first — and among keys of one
 * rank the price most of them agree on.
 */
export function pricesFromLiteLLM(body: unknown, options: LiteLLMOptions = {}): Record<string, CurrentPrice> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new PriceSourceError('LiteLLM prices: expected an object of model → prices');
  const best = new Map<string, { rank: number; prices: CurrentPrice[] }>();
  for (const [key, raw] of Object.entries(body as Record<string, Raw>)) {
    if (key === 'sample_spec' || typeof raw !== 'object' || raw === null) continue;
    // A rolling alias (`mistral-large-latest`) is priced as what it points to today, under that model's own key.
    if (key.endsWith('-latest')) continue;
    if (raw.mode !== undefined && !PRICED_MODES.has(String(raw.mode))) continue;
    const base = tokenPrices(raw, '');
    if (base.input === undefined || base.output === undefined) continue;
    const { id, rank } = idOf(key, raw);
    if (options.firstPartyOnly && rank < 2) continue;
    const seen = best.get(id);
    if (seen && seen.rank > rank) continue;
    if (!seen || rank > seen.rank) best.set(id, { rank, prices: [priceOf(raw, base)] });
    else seen.prices.push(priceOf(raw, base));
  }
  return Object.fromEntries([...best].map(([id, { prices }]) => [id, mostCommon(prices)]));
}
