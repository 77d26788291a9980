// Parses and validates report query parameters; every failure names the parameter.
import { DIMENSION_NAMES, type Dimension } from '../decode/cost-event.js';
import { ValidationError } from '../errors.js';
import type { AggregateQuery } from '../ledger/cost-ledger.js';

const MAX_RANGE_MS = 400 * 86_400_000;

function time(params: URLSearchParams, name: 'from' | 'to', fallback: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new ValidationError(name, `must be an ISO 8601 date or time, got "${raw}"`);
  return ms;
}

/** `from` defaults to 30 days before `to`; `to` to now. Range is `[from, to)`. */
export function parseReportQuery(
  params: URLSearchParams,
  now = Date.now(),
): AggregateQuery & { format: 'json' | 'csv' } {
  const toMs = time(params, 'to', now);
  const fromMs = time(params, 'from', toMs - 30 * 86_400_000);
  if (fromMs >= toMs) throw new ValidationError('from', 'must be before to');
  if (toMs - fromMs > MAX_RANGE_MS) throw new ValidationError('to', 'range must be at most 400 days');
  const groupBy: Dimension[] = [];
  for (const raw of (params.get('groupBy') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!DIMENSION_NAMES.includes(raw as Dimension)) {
      throw new ValidationError(
        'groupBy',
        `unknown dimension "${raw}"; one of ${DIMENSION_NAMES.join(', ')}`,
      );
    }
    if (!groupBy.includes(raw as Dimension)) groupBy.push(raw as Dimension);
  }
  const filters: Partial<Record<Dimension, string>> = {};
  for (const d of DIMENSION_NAMES) {
    const value = params.get(d);
    if (value === null) continue;
    if (d === 'day' && Number.isNaN(Date.parse(value)))
      throw new ValidationError('day', 'must be a date (YYYY-MM-DD)');
    filters[d] = value;
  }
  const known = new Set<string>(['from', 'to', 'groupBy', 'format', ...DIMENSION_NAMES]);
  for (const name of params.keys())
    if (!known.has(name)) throw new ValidationError(name, 'unknown query parameter');
  const format = params.get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new ValidationError('format', 'must be json or csv');
  return { fromMs, toMs, groupBy, filters, format };
}
