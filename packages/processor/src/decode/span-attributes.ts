// Reading a span's attributes as a cost event needs them: text, token counts and costs checked against what a call can
// be (a failure is a DecodeError with its code), and the reader the conventions' readers use.
import { usdToNanoUsd } from '@genops/pricing';
import * as A from '@genops/semconv';
import { DecodeError } from './decode-errors.js';
import type { AttributeReader } from './foreign-llm-span.js';
import type { Attrs } from './otlp-span.js';

/** Largest believable cost of one call; above it the number is a bug or an attack, not spend. */
export const MAX_COST_USD = 100_000;
const MAX_TOKENS = 1e12;

export function str(attrs: Attrs, key: string): string {
  const v = attrs.get(key);
  if (!v) return '';
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.boolValue !== undefined) return String(v.boolValue);
  return '';
}

function tokens(attrs: Attrs, key: string): number {
  const v = attrs.get(key);
  if (!v) return 0;
  const n = Number(v.intValue ?? v.doubleValue);
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_TOKENS)
    throw new DecodeError('INVALID_ATTRIBUTE', `${key} must be a non-negative integer`);
  return n;
}

/** genops.cost.total as exact nano-USD: an int64 string (whole USD) or a double. */
export function costNano(attrs: Attrs): bigint {
  const v = attrs.get(A.ATTR_GENOPS_COST_TOTAL);
  if (!v) throw new DecodeError('MISSING_ATTRIBUTE', `${A.ATTR_GENOPS_COST_TOTAL} is missing`);
  if (v.intValue !== undefined) {
    if (!/^-?\d+$/.test(String(v.intValue)))
      throw new DecodeError(
        'INVALID_ATTRIBUTE',
        `${A.ATTR_GENOPS_COST_TOTAL} intValue is not an integer: ${v.intValue}`,
      );
    const whole = BigInt(String(v.intValue));
    if (whole < 0n || whole > BigInt(MAX_COST_USD))
      throw new DecodeError('INVALID_ATTRIBUTE', `${A.ATTR_GENOPS_COST_TOTAL} out of range: ${whole}`);
    return whole * 1_000_000_000n;
  }
  const usd = typeof v.doubleValue === 'string' ? Number(v.doubleValue) : v.doubleValue;
  if (typeof usd !== 'number' || !Number.isFinite(usd)) {
    throw new DecodeError(
      'INVALID_ATTRIBUTE',
      `${A.ATTR_GENOPS_COST_TOTAL} must be a finite number, got ${JSON.stringify(v.doubleValue ?? v)}`,
    );
  }
  if (usd < 0 || usd > MAX_COST_USD)
    throw new DecodeError(
      'INVALID_ATTRIBUTE',
      `${A.ATTR_GENOPS_COST_TOTAL} out of range [0, ${MAX_COST_USD}]: ${usd}`,
    );
  return usdToNanoUsd(usd);
}

/** genops.cost.upstream as nano-USD (0 when absent); never more than the total it is part of. */
export function upstreamNano(attrs: Attrs, total: bigint): bigint {
  const v = attrs.get(A.ATTR_GENOPS_COST_UPSTREAM);
  if (!v) return 0n;
  const usd = Number(v.doubleValue ?? v.intValue);
  if (!Number.isFinite(usd) || usd < 0 || usd > MAX_COST_USD)
    throw new DecodeError(
      'INVALID_ATTRIBUTE',
      `${A.ATTR_GENOPS_COST_UPSTREAM} must be a number in [0, ${MAX_COST_USD}]`,
    );
  const nano = usdToNanoUsd(usd);
  if (nano > total)
    throw new DecodeError(
      'INVALID_ATTRIBUTE',
      `${A.ATTR_GENOPS_COST_UPSTREAM} is more than ${A.ATTR_GENOPS_COST_TOTAL}`,
    );
  return nano;
}

export function reader(attrs: Attrs): AttributeReader {
  return {
    str: (key) => str(attrs, key),
    int: (key) => tokens(attrs, key),
    has: (key) => attrs.has(key),
    num: (key) => {
      const v = attrs.get(key);
      if (!v) return undefined;
      const n = Number(v.doubleValue ?? v.intValue);
      if (!Number.isFinite(n) || n < 0 || n > MAX_COST_USD)
        throw new DecodeError('INVALID_ATTRIBUTE', `${key} must be a number in [0, ${MAX_COST_USD}]`);
      return n;
    },
  };
}
