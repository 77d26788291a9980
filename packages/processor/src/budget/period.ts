// Budget periods: calendar day/week/month starting at local midnight in the budget's time zone, or a rolling
// window ending now. Pure; `now` is injected.
import { windowMs, type BudgetSpec } from './budget-spec.js';

// Building an Intl.DateTimeFormat costs ~0.3 ms: one per time zone, reused.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset of `timeZone` from UTC at `instant`, in ms (positive east of Greenwich). */
export function offsetMs(timeZone: string, instant: number): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** Local calendar date of `instant` in `timeZone`. */
export function localDate(
  timeZone: string,
  instant: number,
): { year: number; month: number; day: number; weekday: number } {
  const local = new Date(instant + offsetMs(timeZone, instant));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth(),
    day: local.getUTCDate(),
    weekday: local.getUTCDay(),
  };
}

/**
 * The first instant of a local date in `timeZone`: local midnight, or — where a DST change skips midnight
 * (America/Santiago, America/Havana) — the instant the clocks jump to, e.g. 01:00.
 */
export function localMidnight(timeZone: string, year: number, month: number, day: number): number {
  const naive = Date.UTC(year, month, day);
  let guess = naive - offsetMs(timeZone, naive);
  guess = naive - offsetMs(timeZone, guess);
  const target = new Date(naive);
  const onTarget = (instant: number) => {
    const d = localDate(timeZone, instant);
    return (
      d.year === target.getUTCFullYear() && d.month === target.getUTCMonth() && d.day === target.getUTCDate()
    );
  };
  if (onTarget(guess) && !onTarget(guess - 60_000)) return guess;
  // Midnight was skipped: find the first minute on the target date (DST changes fall on whole minutes).
  let lo = guess - 3 * 3_600_000; // before the target date
  let hi = guess + 3 * 3_600_000; // on it
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (onTarget(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

export interface Period {
  startMs: number;
  endMs: number;
}

// The last calendar period worked out per kind and time zone: every instant inside it has the same one, and the time
// zone arithmetic (Intl) is the costliest part of an admission covering several budgets.
const lastPeriods = new Map<string, Period>();

export function currentPeriod(spec: BudgetSpec, now: number): Period {
  if (spec.period === 'rolling') return { startMs: now - windowMs(spec.window!), endMs: now };
  const key = `${spec.period} ${spec.timezone}`;
  const last = lastPeriods.get(key);
  if (last && now >= last.startMs && now < last.endMs) return { ...last };
  const period = calendarPeriod(spec, now);
  if (lastPeriods.size > 1000) lastPeriods.clear();
  lastPeriods.set(key, period);
  return { ...period };
}

function calendarPeriod(spec: BudgetSpec, now: number): Period {
  const tz = spec.timezone;
  const d = localDate(tz, now);
  if (spec.period === 'daily') {
    return {
      startMs: localMidnight(tz, d.year, d.month, d.day),
      endMs: localMidnight(tz, d.year, d.month, d.day + 1),
    };
  }
  if (spec.period === 'weekly') {
    const back = (d.weekday + 6) % 7; // weeks start on Monday (ISO 8601)
    return {
      startMs: localMidnight(tz, d.year, d.month, d.day - back),
      endMs: localMidnight(tz, d.year, d.month, d.day - back + 7),
    };
  }
  return { startMs: localMidnight(tz, d.year, d.month, 1), endMs: localMidnight(tz, d.year, d.month + 1, 1) };
}
