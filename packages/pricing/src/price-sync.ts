// Price sync: today's prices from OpenRouter's model list or LiteLLM's price file, appended to a price history as
// new effective-dated entries only where a price changed. History is never rewritten. Pure: callers fetch.
import type { ModelPrice, PriceTable, TokenPrices } from './price-catalog.js';

export type PriceSource = 'openrouter' | 'litellm';

export const PRICE_SOURCE_URLS: Record<PriceSource, string> = {
  openrouter: 'https://openrouter.ai/api/v1/models',
  litellm: 'https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json',
};

/** A model's current price without its date. */
export type CurrentPrice = Omit<ModelPrice, 'effectiveFrom'>;

export class PriceSourceError extends Error {
  readonly code = 'INVALID_PRICE_SOURCE';
  constructor(message: string) {
    super(message);
    this.name = 'PriceSourceError';
  }
}

/**
 * A decimal USD amount per unit (a string like "0.0000025" or a number like 2.5e-6) scaled by `10^shift`, exactly:
 * per-token prices become per-million prices with no binary rounding on the way (2.5e-6 × 1e6 = 2.5, not
 * 2.4999999999999996). Undefined for absent, empty, negative (OpenRouter's -1 means "varies") or unparseable values.
 */
export function scaleDecimal(value: unknown, shift: number): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = typeof value === 'number' ? value.toExponential() : String(value).trim();
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!m) return undefined;
  const digits = `${m[1]}${m[2] ?? ''}`;
  const exponent = Number(m[3] ?? 0) - (m[2]?.length ?? 0) + shift;
  const n = Number(`${digits}e${exponent}`);
  return Number.isFinite(n) ? n : undefined;
}

const perMillion = (v: unknown) => scaleDecimal(v, 6);
const perUnit = (v: unknown) => scaleDecimal(v, 0);

/** Drops undefined and zero fees/optional prices, so "not charged" and "absent" compare equal. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(
    Object.entries(o).filter(([k, v]) => v !== undefined && !(v === 0 && k !== 'input' && k !== 'output')),
  ) as T;
}

interface OpenRouterModel {
  id?: unknown;
  pricing?: Record<string, unknown>;
}

/** OpenRouter's `GET /api/v1/models`: `data[].pricing` in USD per token (strings), fees per request and search. */
export function pricesFromOpenRouter(body: unknown): Record<string, CurrentPrice> {
  const data = (body as { data?: unknown })?.data;
  if (!Array.isArray(data)) throw new PriceSourceError('OpenRouter models: expected { data: [...] }');
  const out: Record<string, CurrentPrice> = {};
  for (const model of data as OpenRouterModel[]) {
    if (typeof model?.id !== 'string' || !model.pricing) continue;
    const p = model.pricing;
    const input = perMillion(p.prompt);
    const output = perMillion(p.completion);
    if (input === undefined || output === undefined) continue; // variable-priced routers (-1) have no one price
    out[model.id] = compact({
      input,
      output,
      cacheRead: perMillion(p.input_cache_read),
      cacheWrite: perMillion(p.input_cache_write),
      reasoning: perMillion(p.internal_reasoning),
      request: perUnit(p.request),
      webSearch: perUnit(p.web_search),
    });
  }
  return out;
}

/** LiteLLM's `model_prices_and_context_window.json`: chat models, USD per token, with tiers and fees. */
export function pricesFromLiteLLM(body: unknown): Record<string, CurrentPrice> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new PriceSourceError('LiteLLM prices: expected an object of model → prices');
  const out: Record<string, CurrentPrice> = {};
  for (const [key, raw] of Object.entries(body as Record<string, Record<string, unknown>>)) {
    if (key === 'sample_spec' || typeof raw !== 'object' || raw === null) continue;
    if (raw.mode !== undefined && raw.mode !== 'chat') continue;
    const input = perMillion(raw.input_cost_per_token);
    const output = perMillion(raw.output_cost_per_token);
    if (input === undefined || output === undefined) continue;
    const provider = typeof raw.litellm_provider === 'string' ? raw.litellm_provider : undefined;
    const id = key.startsWith('openrouter/')
      ? key.slice('openrouter/'.length)
      : key.includes('/') || !provider
        ? key
        : `${provider}/${key}`;
    const longInput = perMillion(raw.input_cost_per_token_above_200k_tokens);
    const longContext: ModelPrice['longContext'] =
      longInput === undefined
        ? undefined
        : compact({
            thresholdTokens: 200_000,
            input: longInput,
            output: perMillion(raw.output_cost_per_token_above_200k_tokens),
            cacheRead: perMillion(raw.cache_read_input_token_cost_above_200k_tokens),
            cacheWrite: perMillion(raw.cache_creation_input_token_cost_above_200k_tokens),
          });
    const serviceTiers: Record<string, Partial<TokenPrices>> = {};
    for (const tier of ['priority', 'flex']) {
      const prices = compact({
        input: perMillion(raw[`input_cost_per_token_${tier}`]),
        output: perMillion(raw[`output_cost_per_token_${tier}`]),
        cacheRead: perMillion(raw[`cache_read_input_token_cost_${tier}`]),
      });
      if (Object.keys(prices).length) serviceTiers[tier] = prices;
    }
    out[id] = compact({
      input,
      output,
      cacheRead: perMillion(raw.cache_read_input_token_cost),
      cacheWrite: perMillion(raw.cache_creation_input_token_cost),
      cacheWrite1h: perMillion(raw.cache_creation_input_token_cost_above_1hr),
      reasoning: perMillion(raw.output_cost_per_reasoning_token),
      ...(longContext ? { longContext } : {}),
      ...(Object.keys(serviceTiers).length ? { serviceTiers } : {}),
    });
  }
  return out;
}

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
