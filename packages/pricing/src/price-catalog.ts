// Versioned, effective-dated model prices and exact cost estimates in integer nano-USD.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { BUNDLED_PRICES } from './bundled-prices.js';
import type { MatchRule } from './match-rule.js';
import { ModelIdentity, type ModelResolution } from './model-identity.js';
import { PriceTableError, TOKEN_FIELDS, validateTable } from './price-table-validation.js';

export { PriceTableError } from './price-table-validation.js';

export type {
  CostEstimate,
  LongContextTier,
  ModelPrice,
  PriceTable,
  ServiceTierPrices,
  TokenPrices,
  TokenUsage,
} from './price-types.js';
import type { CostEstimate, ModelPrice, PriceTable, TokenPrices, TokenUsage } from './price-types.js';

/** nano-USD in one USD. */
export const NANO_PER_USD = 1_000_000_000n;
const TOKENS_PER_PRICE_UNIT = 1_000_000n;

/** USD per million tokens → nano-USD per million tokens, exactly (prices have at most 9 decimals). */
function nanoPerMillion(usdPerMillion: number): bigint {
  return BigInt(Math.round(usdPerMillion * 1e9));
}

export interface LookupOptions {
  /** A time before the model's first price gets that first price. */
  orFirst?: boolean;
}

let bundledCatalog: PriceCatalog | undefined;

/** Looks up a model's price at a point in time and estimates a call's cost. Immutable. */
export class PriceCatalog {
  readonly version: string;
  private readonly models: ReadonlyMap<string, readonly ModelPrice[]>;
  private readonly match: Readonly<Record<string, MatchRule>>;
  private identity: ModelIdentity | undefined;

  constructor(table: PriceTable) {
    const valid = validateTable(table);
    this.version = valid.version;
    this.match = valid.match ?? {};
    this.models = new Map(
      Object.entries(valid.models).map(([model, prices]) => [
        model,
        [...prices].sort((a, b) => Date.parse(a.effectiveFrom) - Date.parse(b.effectiveFrom)),
      ]),
    );
  }

  /** The table shipped with this package (see `BUNDLED_PRICES.version` for the date it was taken). One instance. */
  static bundled(): PriceCatalog {
    return (bundledCatalog ??= new PriceCatalog(BUNDLED_PRICES));
  }

  /** The bundled table with the models of a JSON or YAML file (same shape as `PriceTable`) laid over it. */
  static fromFile(path: string): PriceCatalog {
    const text = readFileSync(path, 'utf8');
    let parsed: unknown;
    try {
      parsed = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    } catch (error) {
      throw new PriceTableError(`cannot parse price file ${path}: ${(error as Error).message}`);
    }
    return PriceCatalog.bundled().withOverrides(validateTable(parsed));
  }

  /** A new catalog where the given models' price lists replace this one's. */
  withOverrides(overrides: Partial<PriceTable> & { models: PriceTable['models'] }): PriceCatalog {
    const valid = validateTable(overrides);
    const models: Record<string, ModelPrice[]> = {};
    for (const [model, prices] of this.models) models[model] = [...prices];
    for (const [model, prices] of Object.entries(valid.models)) models[model] = prices;
    return new PriceCatalog({
      version: `${this.version}+${overrides.version ?? 'overrides'}`,
      models,
      match: { ...this.match, ...valid.match },
    });
  }

  /** The table this catalog holds (for writing it out, or laying more over it). */
  table(): PriceTable {
    return {
      version: this.version,
      models: Object.fromEntries([...this.models].map(([id, prices]) => [id, [...prices]])),
      ...(Object.keys(this.match).length ? { match: { ...this.match } } : {}),
    };
  }

  /** Model ids known to the catalog. */
  modelIds(): string[] {
    return [...this.models.keys()];
  }

  /** Every price of the model `id` (exactly as the catalog names it), oldest first; empty when unknown. */
  history(id: string): readonly ModelPrice[] {
    return this.models.get(id) ?? [];
  }

  /**
   * The price in force for `model` at `at`, the name resolved to the catalog's model (`resolve`). Before the model's
   * first price there is none — unless `orFirst`: then that first price (the price authority pricing a call made
   * before a sync first brought its model's price: the first price known beats none).
   */
  lookup(model: string, at: Date = new Date(), options: LookupOptions = {}): ModelPrice | undefined {
    const prices = this.pricesFor(model);
    if (!prices) return undefined;
    const time = at.getTime();
    let found: ModelPrice | undefined;
    for (const price of prices) {
      if (Date.parse(price.effectiveFrom) <= time) found = price;
    }
    return found ?? (options.orFirst ? prices[0] : undefined);
  }

  /** Cost of `usage` on `model` at `at`, or undefined when the model has no price then (see `lookup`). */
  estimate(
    model: string,
    usage: TokenUsage,
    at: Date = new Date(),
    options: LookupOptions = {},
  ): CostEstimate | undefined {
    const price = this.lookup(model, at, options);
    if (!price) return undefined;
    const nanoUsd = costNanoUsd(price, usage);
    return { nanoUsd, usd: nanoUsdToUsd(nanoUsd), price };
  }

  /**
   * The catalog model a name means (model-identity.ts): exactly, or by an alias — a vendor or platform prefix, a
   * dated or Bedrock/Vertex suffix, `4-5` for `4.5`, an OpenRouter variant — or by a model's match rule. Ambiguous
   * names are not guessed.
   */
  resolve(name: string): ModelResolution {
    this.identity ??= new ModelIdentity(this.models.keys(), this.match);
    return this.identity.resolve(name);
  }

  private pricesFor(model: string): readonly ModelPrice[] | undefined {
    const resolved = this.resolve(model);
    return resolved.kind === 'exact' || resolved.kind === 'alias' ? this.models.get(resolved.id) : undefined;
  }
}

/**
 * The token prices a call pays: the serving service tier's over the base, then those of every long-context tier the
 * prompt is above (the service tier's own, or else the base ones), in the order listed.
 */
export function tokenPricesFor(price: ModelPrice, usage: TokenUsage): TokenPrices {
  const tier = usage.serviceTier ? price.serviceTiers?.[usage.serviceTier] : undefined;
  let prices = { ...tokenPricesOf(price), ...tokenPricesOf(tier) } as TokenPrices;
  for (const long of tier?.longContext ?? price.longContext ?? [])
    if (usage.inputTokens > long.thresholdTokens) prices = { ...prices, ...tokenPricesOf(long) };
  return prices;
}

/** The token price fields that are set. */
function tokenPricesOf(p: Partial<TokenPrices> | undefined): Partial<TokenPrices> {
  const out: Partial<TokenPrices> = {};
  for (const field of TOKEN_FIELDS) if (p?.[field] !== undefined) out[field] = p[field];
  return out;
}

/**
 * Exact cost in nano-USD. The prompt splits into cache reads, cache writes (5-minute, 1-hour) and the rest, the
 * completion into reasoning and the rest, each at its price (`tokenPricesFor`), summed and rounded half up once;
 * then the per-request and per-search fees are added.
 */
export function costNanoUsd(price: ModelPrice, usage: TokenUsage): bigint {
  const p = tokenPricesFor(price, usage);
  let prompt = Math.max(0, usage.inputTokens);
  const take = (n: number | undefined): bigint => {
    const t = Math.max(0, Math.min(n ?? 0, prompt));
    prompt -= t;
    return BigInt(t);
  };
  const cacheRead = take(usage.cacheReadTokens);
  const cacheWrite = take(usage.cacheWriteTokens);
  const cacheWrite1h = take(usage.cacheWrite1hTokens);
  const reasoning = BigInt(Math.min(usage.reasoningTokens ?? 0, usage.outputTokens));
  const output = BigInt(usage.outputTokens) - reasoning;
  const cacheWritePrice = p.cacheWrite ?? p.input;
  const scaled =
    BigInt(prompt) * nanoPerMillion(p.input) +
    cacheRead * nanoPerMillion(p.cacheRead ?? p.input) +
    cacheWrite * nanoPerMillion(cacheWritePrice) +
    cacheWrite1h * nanoPerMillion(p.cacheWrite1h ?? cacheWritePrice) +
    output * nanoPerMillion(p.output) +
    reasoning * nanoPerMillion(p.reasoning ?? p.output);
  const tokens = (scaled + TOKENS_PER_PRICE_UNIT / 2n) / TOKENS_PER_PRICE_UNIT;
  const fees =
    BigInt(usage.requests ?? 1) * usdToNanoUsd(price.request ?? 0) +
    BigInt(usage.webSearches ?? 0) * usdToNanoUsd(price.webSearch ?? 0);
  return tokens + fees;
}

/** nano-USD → USD as a double; exact in the sense that `usdToNanoUsd(nanoUsdToUsd(n)) === n` below 2^53. */
export function nanoUsdToUsd(nano: bigint): number {
  return Number(nano) / Number(NANO_PER_USD);
}

/** USD (e.g. a reported cost) → nano-USD, rounded to the nearest nano. */
export function usdToNanoUsd(usd: number): bigint {
  return BigInt(Math.round(usd * 1e9));
}
