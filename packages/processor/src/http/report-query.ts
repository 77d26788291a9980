// Parses and validates report query parameters; every failure names the parameter.
import { localMidnight } from '../budget/period.js';
import { DIMENSION_NAMES, type Dimension } from '../decode/cost-event.js';
import { ValidationError } from '../errors.js';
import type { AggregateQuery } from '../ledger/cost-ledger.js';

const MAX_RANGE_MS = 400 * 86_400_000;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** True when year-month-day (and time) name a real instant: no 2026-02-30, no 24:00 or 60 seconds. */
function real(y: number, mo: number, d: number, h = 0, mi = 0, sec = 0): boolean {
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, sec));
  return (
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    t.getUTCSeconds() === sec
  );
}

/**
 * A time as the API takes it: RFC 3339 with an explicit offset or `Z` (`2026-03-01T09:30:00+01:00`), or a plain
 * date read as UTC midnight (`2026-03-01`). Anything else — a time without an offset, which would be read in the
 * server's zone, or prose such as "March 1, 2026" — is refused, naming the parameter.
 */
export function parseInstant(name: string, raw: string): number {
  const date = DATE.exec(raw);
  if (date) {
    const [y, mo, d] = date.slice(1, 4).map(Number) as [number, number, number];
    if (!real(y, mo, d)) throw new ValidationError(name, `is not a real date: "${raw}"`);
    return Date.UTC(y, mo - 1, d);
  }
  const dt = DATE_TIME.exec(raw);
  if (!dt) {
    throw new ValidationError(
      name,
      `must be an RFC 3339 time with an offset (2026-03-01T09:30:00Z, 2026-03-01T09:30:00+01:00) or a date (2026-03-01, read as UTC), got "${raw}"`,
    );
  }
  const [y, mo, d, h, mi, sec] = dt.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const zone = dt[8]!;
  const [zh, zm] =
    zone.toUpperCase() === 'Z' ? [0, 0] : (zone.slice(1).split(':').map(Number) as [number, number]);
  if (!real(y, mo, d, h, mi, sec) || zh > 23 || zm > 59)
    throw new ValidationError(name, `is not a real time: "${raw}"`);
  const ms = Number((dt[7] ?? '.0').slice(1, 4).padEnd(3, '0'));
  const offset = (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm) * 60_000;
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offset;
}

function time(params: URLSearchParams, name: 'from' | 'to', fallback: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  return parseInstant(name, raw);
}

/** Refuses a parameter the route does not take, naming it (a typo must not silently widen a query). */
export function rejectUnknown(params: URLSearchParams, known: readonly string[]): void {
  for (const name of params.keys())
    if (!known.includes(name)) throw new ValidationError(name, 'unknown query parameter');
}

/** `[from, to)` from the `from` and `to` parameters: `from` defaults to 30 days before `to`, `to` to now. */
export function parseRange(params: URLSearchParams, now = Date.now()): { fromMs: number; toMs: number } {
  const toMs = time(params, 'to', now);
  const fromMs = time(params, 'from', toMs - 30 * 86_400_000);
  if (fromMs >= toMs) throw new ValidationError('from', 'must be before to');
  if (toMs - fromMs > MAX_RANGE_MS) throw new ValidationError('to', 'range must be at most 400 days');
  return { fromMs, toMs };
}

/** A report's range, grouping, filters, time zone and format; every failure names the parameter. */
export function parseReportQuery(
  params: URLSearchParams,
  now = Date.now(),
): AggregateQuery & { format: 'json' | 'csv' } {
  const { fromMs, toMs } = parseRange(params, now);
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
  const timezone = params.get('timezone') ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new ValidationError(
      'timezone',
      `must be an IANA time zone such as Europe/Berlin, got "${timezone}"`,
    );
  }
  const filters: Partial<Record<Dimension, string>> = {};
  let range = { fromMs, toMs };
  for (const d of DIMENSION_NAMES) {
    const value = params.get(d);
    if (value === null) continue;
    if (d === 'week' || d === 'month')
      throw new ValidationError(d, 'is a grouping, not a filter: filter by day, or by from and to');
    if (d === 'day') {
      if (!DATE.test(value)) throw new ValidationError('day', 'must be a date (YYYY-MM-DD)');
      range = narrowToDay(range, parseInstant('day', value), timezone);
      continue;
    }
    filters[d] = value;
  }
  rejectUnknown(params, ['from', 'to', 'groupBy', 'format', 'timezone', ...DIMENSION_NAMES]);
  const format = params.get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new ValidationError('format', 'must be json or csv');
  return { ...range, groupBy, filters, timezone, format };
}

/** [from, to) narrowed to the local day `utcMidnight` names (a date) in `timezone`; empty when they do not meet. */
function narrowToDay(range: { fromMs: number; toMs: number }, utcMidnight: number, timezone: string) {
  const d = new Date(utcMidnight);
  const start = localMidnight(timezone, d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const end = localMidnight(timezone, d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
  const fromMs = Math.max(range.fromMs, start);
  return { fromMs, toMs: Math.max(fromMs, Math.min(range.toMs, end)) };
}
