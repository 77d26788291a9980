// Per-token and per-unit prices from the sources' decimal strings and numbers, exactly.

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

export const perMillion = (v: unknown) => scaleDecimal(v, 6);
export const perUnit = (v: unknown) => scaleDecimal(v, 0);

/** Drops undefined and zero fees/optional prices, so "not charged" and "absent" compare equal. */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(
    Object.entries(o).filter(([k, v]) => v !== undefined && !(v === 0 && k !== 'input' && k !== 'output')),
  ) as T;
}
