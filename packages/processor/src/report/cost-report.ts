// Builds the cost report and the provider comparison from ledger rows. Pure.
import { nanoToUsd, type Dimension } from '../decode/cost-event.js';
import {
  addFigures,
  noFigures,
  type AggregateQuery,
  type AggregateRow,
  type ProviderSample,
} from '../ledger/cost-ledger.js';

export interface ReportFigures {
  costUsd: number;
  /** Of costUsd, what model providers billed directly (OpenRouter BYOK, on your own key); the rest is fees. */
  upstreamCostUsd: number;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Calls recorded without a price (cost 0 in costUsd) and not priced since, and their tokens. */
  unpricedRequests: number;
  unpricedTokens: number;
}

export interface CostReportGroup extends ReportFigures {
  key: Record<string, string>;
  costPerMillionTokens: number;
}

export interface CostReport {
  from: string;
  to: string;
  groupBy: Dimension[];
  /** The zone of the day, week and month groups. */
  timezone: string;
  currency: 'USD';
  totals: ReportFigures;
  groups: CostReportGroup[];
}

type Sum = AggregateRow;

function figures(s: Sum): ReportFigures {
  return {
    costUsd: nanoToUsd(s.costNano),
    upstreamCostUsd: nanoToUsd(s.upstreamNano),
    requests: s.requests,
    errors: s.errors,
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    totalTokens: s.inputTokens + s.outputTokens,
    unpricedRequests: s.unpricedRequests,
    unpricedTokens: s.unpricedTokens,
  };
}

/** USD per million tokens, from exact nano-USD (0 when no tokens). */
export function costPerMillionTokens(costNano: bigint, tokens: number): number {
  if (tokens === 0) return 0;
  return Number((costNano * 1_000_000n * 1000n) / BigInt(tokens)) / 1e12;
}

export function buildCostReport(query: AggregateQuery, rows: AggregateRow[]): CostReport {
  const zero = (key: Record<string, string>): Sum => ({ key, ...noFigures() });
  const groups = new Map<string, Sum>();
  const total = zero({});
  for (const row of rows) {
    const id = JSON.stringify(query.groupBy.map((d) => row.key[d]));
    const g = groups.get(id) ?? zero(row.key);
    for (const s of [g, total]) addFigures(s, row);
    groups.set(id, g);
  }
  const sorted = [...groups.values()].sort((a, b) =>
    a.costNano === b.costNano
      ? JSON.stringify(a.key).localeCompare(JSON.stringify(b.key))
      : a.costNano > b.costNano
        ? -1
        : 1,
  );
  return {
    from: new Date(query.fromMs).toISOString(),
    to: new Date(query.toMs).toISOString(),
    groupBy: query.groupBy,
    timezone: query.timezone ?? 'UTC',
    currency: 'USD',
    totals: figures(total),
    groups: (query.groupBy.length ? sorted : []).map((g) => ({
      key: g.key,
      ...figures(g),
      costPerMillionTokens: costPerMillionTokens(g.costNano, g.inputTokens + g.outputTokens),
    })),
  };
}

function csvCell(value: string | number): string {
  const s = String(value);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function costReportCsv(report: CostReport): string {
  const header = [
    ...report.groupBy,
    'costUsd',
    'upstreamCostUsd',
    'requests',
    'errors',
    'inputTokens',
    'outputTokens',
    'totalTokens',
    'costPerMillionTokens',
  ];
  const lines = [header.join(',')];
  for (const g of report.groups) {
    lines.push(
      [
        ...report.groupBy.map((d) => g.key[d] ?? ''),
        g.costUsd,
        g.upstreamCostUsd,
        g.requests,
        g.errors,
        g.inputTokens,
        g.outputTokens,
        g.totalTokens,
        g.costPerMillionTokens,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

export interface ProviderReportRow {
  provider: string;
  model: string;
  requests: number;
  errors: number;
  errorRate: number;
  /** Calls OpenRouter served with another model or provider than the first choice. */
  fallbacks: number;
  latencyMs: { p50: number; p95: number; p99: number };
  costUsd: number;
  costPerMillionTokens: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function buildProviderReport(samples: ProviderSample[]): ProviderReportRow[] {
  const byKey = new Map<string, ProviderSample[]>();
  for (const s of samples) {
    const id = `${s.servedProvider}\u0000${s.model}`;
    const list = byKey.get(id);
    if (list) list.push(s);
    else byKey.set(id, [s]);
  }
  const rows = [...byKey.values()].map((list) => {
    // Reconciliation adjustments bring the group's cost to the bill; requests, errors and latency are the calls'.
    const calls = list.filter((s) => !s.adjustment);
    const durations = calls.map((s) => s.durationMs).sort((a, b) => a - b);
    const cost = list.reduce((n, s) => n + s.costNano, 0n);
    const tokens = calls.reduce((n, s) => n + s.tokens, 0);
    const errors = calls.filter((s) => s.isError).length;
    return {
      provider: list[0]!.servedProvider,
      model: list[0]!.model,
      requests: calls.length,
      errors,
      errorRate: calls.length ? errors / calls.length : 0,
      fallbacks: calls.filter((s) => s.fallback).length,
      latencyMs: {
        p50: percentile(durations, 50),
        p95: percentile(durations, 95),
        p99: percentile(durations, 99),
      },
      costUsd: nanoToUsd(cost),
      costPerMillionTokens: costPerMillionTokens(cost, tokens),
    };
  });
  return rows.sort(
    (a, b) =>
      b.requests - a.requests || a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model),
  );
}
