// A price table's shape, checked where it is read (a file, an override, a sync): every error names the entry and the
// field, e.g. `models["openai/gpt-4o"][0].longContext[1].thresholdTokens must be a positive integer`.
import type { MatchRule } from './match-rule.js';
import type { LongContextTier, ModelPrice, PriceTable, ServiceTierPrices } from './price-types.js';

export class PriceTableError extends Error {
  readonly code = 'INVALID_PRICE_TABLE';
  constructor(message: string) {
    super(message);
    this.name = 'PriceTableError';
  }
}

export const TOKEN_FIELDS = [
  'input',
  'output',
  'cacheRead',
  'cacheWrite',
  'cacheWrite1h',
  'reasoning',
] as const;

function checkNumber(where: string, field: string, value: unknown, unit: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new PriceTableError(`${where}.${field} must be a non-negative number (${unit})`);
}

function checkTokenPrices(where: string, p: Record<string, unknown>, required: boolean): void {
  for (const field of TOKEN_FIELDS) {
    if (p[field] === undefined && !(required && (field === 'input' || field === 'output'))) continue;
    checkNumber(where, field, p[field], 'USD per 1M tokens');
  }
}

/** One tier (an object) or a list of tiers, as a list. */
function validateLongContext(where: string, value: unknown): LongContextTier[] {
  const tiers = Array.isArray(value) ? value : [value];
  tiers.forEach((tier: unknown, i) => {
    const at = Array.isArray(value) ? `${where}.longContext[${i}]` : `${where}.longContext`;
    if (typeof tier !== 'object' || tier === null) throw new PriceTableError(`${at} must be an object`);
    const t = tier as Record<string, unknown>;
    if (!Number.isInteger(t.thresholdTokens) || (t.thresholdTokens as number) <= 0)
      throw new PriceTableError(`${at}.thresholdTokens must be a positive integer`);
    checkTokenPrices(at, t, false);
  });
  return tiers as LongContextTier[];
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
  checkTokenPrices(where, p, true);
  for (const fee of ['request', 'webSearch'] as const)
    if (p[fee] !== undefined) checkNumber(where, fee, p[fee], 'USD');
  const longContext = p.longContext === undefined ? undefined : validateLongContext(where, p.longContext);
  const serviceTiers = p.serviceTiers === undefined ? undefined : validateServiceTiers(where, p.serviceTiers);
  return {
    ...p,
    ...(longContext ? { longContext } : {}),
    ...(serviceTiers ? { serviceTiers } : {}),
  } as unknown as ModelPrice;
}

function validateServiceTiers(where: string, value: unknown): Record<string, ServiceTierPrices> {
  if (typeof value !== 'object' || value === null)
    throw new PriceTableError(`${where}.serviceTiers must be an object of tier → prices`);
  const tiers: Record<string, ServiceTierPrices> = {};
  for (const [tier, prices] of Object.entries(value as Record<string, unknown>)) {
    const at = `${where}.serviceTiers.${tier}`;
    if (typeof prices !== 'object' || prices === null) throw new PriceTableError(`${at} must be an object`);
    const t = prices as Record<string, unknown>;
    checkTokenPrices(at, t, false);
    tiers[tier] = {
      ...t,
      ...(t.longContext !== undefined ? { longContext: validateLongContext(at, t.longContext) } : {}),
    } as ServiceTierPrices;
  }
  return tiers;
}

export function validateTable(table: unknown): PriceTable {
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
  const match = t.match === undefined ? undefined : validateMatch(t.match);
  return {
    version: typeof t.version === 'string' ? t.version : 'custom',
    models,
    ...(match ? { match } : {}),
  };
}

/** A rule's shape, checked where it is read: one of the clause kinds, regexes that compile. */
function validateRule(where: string, rule: unknown): void {
  if (typeof rule !== 'object' || rule === null || Object.keys(rule).length !== 1)
    throw new PriceTableError(
      `${where} must be one clause (equals, starts_with, ends_with, contains, regex, or, and)`,
    );
  const [[kind, value]] = Object.entries(rule) as [[string, unknown]];
  if (kind === 'or' || kind === 'and') {
    if (!Array.isArray(value)) throw new PriceTableError(`${where}.${kind} must be a list of clauses`);
    value.forEach((r, i) => validateRule(`${where}.${kind}[${i}]`, r));
  } else if (['equals', 'starts_with', 'ends_with', 'contains', 'regex'].includes(kind)) {
    if (typeof value !== 'string') throw new PriceTableError(`${where}.${kind} must be a string`);
    if (kind === 'regex')
      try {
        new RegExp(value);
      } catch (error) {
        throw new PriceTableError(`${where}.regex does not compile: ${(error as Error).message}`);
      }
  } else throw new PriceTableError(`${where}: unknown clause "${kind}"`);
}

function validateMatch(value: unknown): Record<string, MatchRule> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PriceTableError('"match" must be an object of model id → rule');
  for (const [id, rule] of Object.entries(value)) validateRule(`match["${id}"]`, rule);
  return value as Record<string, MatchRule>;
}
