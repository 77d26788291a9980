// Money, numbers and times as a person reads them: USD with two decimals, sub-cent amounts still visible.

const usd2 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', currencyDisplay: 'code' });
const usdFine = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  currencyDisplay: 'code',
  minimumFractionDigits: 2,
  maximumSignificantDigits: 3,
  roundingPriority: 'morePrecision',
} as Intl.NumberFormatOptions);
const count = new Intl.NumberFormat('en-US');
const pct1 = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

/** `USD 1,234.57`; below a cent, enough digits to see it (`USD 0.000021`). */
export function formatUsd(value: number): string {
  const text = value !== 0 && Math.abs(value) < 0.01 ? usdFine.format(value) : usd2.format(value);
  return text.replace(/\u00a0/g, ' ');
}

export const formatCount = (n: number) => count.format(n);
export const formatPercent = (ratio: number) => pct1.format(ratio);

export function formatTime(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** `3 h 20 min`, `45 s`, `2 d 4 h`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}
