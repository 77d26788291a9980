// Versioned, effective-dated model prices and exact cost estimates in integer nano-USD.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { BUNDLED_PRICES } from './bundled-prices.js';

/** Token counts of one call, as priced. */
export interface TokenUsage {
  /** Prompt tokens, cached ones included (OpenAI's `prompt_tokens`). */
  inputTokens: number;
  /** Completion tokens, reasoning ones included (OpenAI's `completion_tokens`). */
  outputTokens: number;
  /** Prompt tokens served from the provider's cache. */
  cacheReadTokens?: number;
  /** Completion tokens spent on reasoning. */
  reasoningTokens?: number;
}

/** One price of a model, in USD per million tokens, valid from `effectiveFrom` (ISO date or time, UTC). */
export interface ModelPrice {
  effectiveFrom: string;
  input: number;
  output: number;
  /** Cached prompt tokens; defaults to `input`. */
  cacheRead?: number;
  /** Reasoning completion tokens; defaults to `output`. */
  reasoning?: number;
}

/** A price table: model id → its prices over time. */
export interface PriceTable {
  version: string;
  models: Record<string, ModelPrice[]>;
}

/** An estimate: exact nano-USD, and the same amount in USD for span attributes. */
export interface CostEstimate {
  nanoUsd: bigint;
  usd: number;
  price: ModelPrice;
}

export class PriceTableError extends Error {
  readonly code = 'INVALID_PRICE_TABLE';
  constructor(message: string) {
    super(message);
    this.name = 'PriceTableError';
  }
}

const NANO_PER_USD = 1_000_000_000n;
const TOKENS_PER_PRICE_UNIT = 1_000_000n;

/** USD per million tokens → nano-USD per million tokens, exactly (prices have at most 9 decimals). */
function nanoPerMillion(usdPerMillion: number): bigint {
  return BigInt(Math.round(usdPerMillion * 1e9));
}

function validatePrice(model: string, index: number, price: unknown): ModelPrice {
  const where = `models["${model}"][${index}]`;
  if (typeof price !== 'object' || price === null) throw new PriceTableError(`${where} must be an object`);
  const p = price as Record<string, unknown>;
  if (typeof p.effectiveFrom !== 'string' || Number.isNaN(Date.parse(p.effectiveFrom))) {
    throw new PriceTableError(
      `${where}.effectiveFrom must be an ISO date, got ${JSON.stringify(p.effectiveFrom)}`,
    );
  }
  for (const field of ['input', 'output', 'cacheRead', 'reasoning'] as const) {
    const value = p[field];
    const required = field === 'input' || field === 'output';
    if (value === undefined && !required) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new PriceTableError(`${where}.${field} must be a non-negative number (USD per 1M tokens)`);
    }
  }
  return p as unknown as ModelPrice;
}

function validateTable(table: unknown): PriceTable {
  if (typeof table !== 'object' || table === null) throw new PriceTableError('price table must be an object');
  const t = table as Record<string, unknown>;
  if (typeof t.models !== 'object' || t.models === null) {
    throw new PriceTableError('price table needs a "models" object');
  }
  const models: Record<string, ModelPrice[]> = {};
  for (const [model, prices] of Object.entries(t.models as Record<string, unknown>)) {
    const list = Array.isArray(prices) ? prices : [prices];
    models[model] = list.map((price, i) => validatePrice(model, i, price));
  }
  return { version: typeof t.version === 'string' ? t.version : 'custom', models };
}

/** Looks up a model's price at a point in time and estimates a call's cost. Immutable. */
export class PriceCatalog {
  readonly version: string;
  private readonly models: ReadonlyMap<string, readonly ModelPrice[]>;

  constructor(table: PriceTable) {
    const valid = validateTable(table);
    this.version = valid.version;
    this.models = new Map(
      Object.entries(valid.models).map(([model, prices]) => [
        model,
        [...prices].sort((a, b) => Date.parse(a.effectiveFrom) - Date.parse(b.effectiveFrom)),
      ]),
    );
  }

  /** The table shipped with this package (see `BUNDLED_PRICES.version` for the date it was taken). */
  static bundled(): PriceCatalog {
    return new PriceCatalog(BUNDLED_PRICES);
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
    const models: Record<string, ModelPrice[]> = {};
    for (const [model, prices] of this.models) models[model] = [...prices];
    for (const [model, prices] of Object.entries(validateTable(overrides).models)) models[model] = prices;
    return new PriceCatalog({ version: `${this.version}+${overrides.version ?? 'overrides'}`, models });
  }

  /** Model ids known to the catalog. */
  modelIds(): string[] {
    return [...this.models.keys()];
  }

  /**
   * The price in force for `model` at `at`. Matches the id exactly, then without an OpenRouter variant suffix
   * (`:free`, `:nitro`), then a bare id (`gpt-4o`) against `vendor/gpt-4o`.
   */
  lookup(model: string, at: Date = new Date()): ModelPrice | undefined {
    const prices = this.pricesFor(model);
    if (!prices) return undefined;
    const time = at.getTime();
    let found: ModelPrice | undefined;
    for (const price of prices) {
      if (Date.parse(price.effectiveFrom) <= time) found = price;
    }
    return found;
  }

  /** Cost of `usage` on `model` at `at`, or undefined when the model has no price then. */
  estimate(model: string, usage: TokenUsage, at: Date = new Date()): CostEstimate | undefined {
    const price = this.lookup(model, at);
    if (!price) return undefined;
    const nanoUsd = costNanoUsd(price, usage);
    return { nanoUsd, usd: nanoUsdToUsd(nanoUsd), price };
  }

  private pricesFor(model: string): readonly ModelPrice[] | undefined {
    const exact = this.models.get(model);
    if (exact) return exact;
    const base = model.split(':')[0] ?? model;
    const withoutVariant = this.models.get(base);
    if (withoutVariant) return withoutVariant;
    if (!base.includes('/')) {
      for (const [id, prices] of this.models) {
        if (id.endsWith(`/${base}`)) return prices;
      }
    }
    return undefined;
  }
}

/** Exact cost in nano-USD, rounded half up once at the end. Cached and reasoning tokens are priced apart. */
export function costNanoUsd(price: ModelPrice, usage: TokenUsage): bigint {
  const cacheRead = BigInt(Math.min(usage.cacheReadTokens ?? 0, usage.inputTokens));
  const reasoning = BigInt(Math.min(usage.reasoningTokens ?? 0, usage.outputTokens));
  const input = BigInt(usage.inputTokens) - cacheRead;
  const output = BigInt(usage.outputTokens) - reasoning;
  const scaled =
    input * nanoPerMillion(price.input) +
    cacheRead * nanoPerMillion(price.cacheRead ?? price.input) +
    output * nanoPerMillion(price.output) +
    reasoning * nanoPerMillion(price.reasoning ?? price.output);
  return (scaled + TOKENS_PER_PRICE_UNIT / 2n) / TOKENS_PER_PRICE_UNIT;
}

/** nano-USD → USD as a double; exact in the sense that `usdToNanoUsd(nanoUsdToUsd(n)) === n` below 2^53. */
export function nanoUsdToUsd(nano: bigint): number {
  return Number(nano) / Number(NANO_PER_USD);
}

/** USD (e.g. a reported cost) → nano-USD, rounded to the nearest nano. */
export function usdToNanoUsd(usd: number): bigint {
  return BigInt(Math.round(usd * 1e9));
}
