// A page's view state — range, grouping, filters, sort — lives in the URL, so a view can be shared.
import { useCallback } from 'react';
import { useLocation, useSearch } from 'wouter';

export function useUrlState(): [URLSearchParams, (changes: Record<string, string | undefined>) => void] {
  const search = useSearch();
  const [location, navigate] = useLocation();
  const params = new URLSearchParams(search);
  const update = useCallback(
    (changes: Record<string, string | undefined>) => {
      const next = new URLSearchParams(search);
      for (const [k, v] of Object.entries(changes)) {
        if (v === undefined || v === '') next.delete(k);
        else next.set(k, v);
      }
      const qs = next.toString();
      navigate(`${location}${qs ? `?${qs}` : ''}`, { replace: false });
    },
    [search, location, navigate],
  );
  return [params, update];
}

export const RANGES = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 } as const;
export type RangeName = keyof typeof RANGES;

/** The range a URL names (`range=7d`, or `from`/`to` dates), as the API's from/to and the range before it. */
export function rangeOf(params: URLSearchParams, now = Date.now()) {
  const from = params.get('from');
  const to = params.get('to');
  if (from && to) {
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    return {
      name: 'custom',
      from,
      to,
      previous: { from: iso(2 * fromMs - toMs), to: from },
      days: (toMs - fromMs) / 86_400_000,
    };
  }
  const name = (params.get('range') ?? '30d') as RangeName;
  const days = RANGES[name] ?? 30;
  // Whole hours: the same range for a minute, so queries share their cache and the numbers hold still.
  const end = Math.ceil(now / 3_600_000) * 3_600_000;
  const start = end - days * 86_400_000;
  return {
    name,
    from: iso(start),
    to: iso(end),
    previous: { from: iso(start - days * 86_400_000), to: iso(start) },
    days,
  };
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
