// Time dimensions of a report in a time zone: SQL groups spend by hour (or by 15 minutes where the zone's offset
// is not a whole number of hours, as in India or Nepal), and each bucket is labelled with its local day, ISO week
// (the date of its Monday) or month. Pure.
import { localDate, offsetMs } from '../budget/period.js';
import type { TimeDimension } from '../decode/cost-event.js';

export const HOUR_MS = 3_600_000;
export const QUARTER_HOUR_MS = 900_000;

/**
 * The bucket that never straddles a local midnight in `timeZone` over `[fromMs, toMs)`: an hour when every
 * offset in the range is whole hours, else a quarter hour (every zone's offset is a multiple of 15 minutes).
 */
export function bucketFor(timeZone: string, fromMs: number, toMs: number): number {
  if (timeZone === 'UTC') return HOUR_MS;
  for (let t = fromMs; ; t = Math.min(t + 6 * HOUR_MS, toMs)) {
    if (offsetMs(timeZone, t) % HOUR_MS !== 0) return QUARTER_HOUR_MS;
    if (t >= toMs) return HOUR_MS;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The label of the local day, week or month that contains `instant` in `timeZone`. */
export function timeLabel(dimension: TimeDimension, timeZone: string, instant: number): string {
  const d = localDate(timeZone, instant);
  if (dimension === 'month') return `${d.year}-${pad(d.month + 1)}`;
  if (dimension === 'day') return `${d.year}-${pad(d.month + 1)}-${pad(d.day)}`;
  const monday = new Date(Date.UTC(d.year, d.month, d.day - ((d.weekday + 6) % 7)));
  return monday.toISOString().slice(0, 10);
}
