// Budget arithmetic: admission decisions and status. Pure; money in nano-USD.
import { nanoToUsd } from '../decode/cost-event.js';
import { limitNano } from './budget-limit.js';
import { boundedMemo } from './bounded-memo.js';
import { parseScopeKey, scopeLabel } from './budget-scope.js';
import { specScope, type BudgetSpec } from './budget-spec.js';
import type { Period } from './period.js';

export type Decision = 'ALLOWED' | 'WARNING' | 'BLOCKED';
export type BudgetState = 'OK' | 'WARNING' | 'CRITICAL' | 'EXCEEDED';

export interface Admission {
  decision: Decision;
  reasonCode?:
    | 'NO_BUDGET'
    | 'BUDGET_EXCEEDED'
    | 'SOFT_LIMIT_EXCEEDED'
    | 'THRESHOLD_CROSSED'
    | 'MODEL_NOT_ALLOWED'
    | 'CALL_TOO_EXPENSIVE';
  /** Why, with the budget's scope, period and numbers. */
  reason?: string;
}

/** A key's scope in words, when the key names a scope (remembered: admission labels every covering budget). */
const parsedKeyLabel = boundedMemo((key: string) => {
  const scope = parseScopeKey(key);
  return scope && scopeLabel(scope);
}, 10_000);

/** A counter's scope in words: a template's counter names its value (`customer acme`). */
export const counterLabel = (key: string, spec: BudgetSpec): string =>
  parsedKeyLabel(key) ?? scopeLabel(specScope(spec));

/**
 * Admits a call of `estimate` when spent + reserved + estimate ≤ limit under a hard budget; a soft budget
 * always admits, warning past a threshold or the limit.
 */
export function decide(
  spec: BudgetSpec,
  period: Period,
  spentNano: bigint,
  reservedNano: bigint,
  estimateNano: bigint,
  label = scopeLabel(specScope(spec)),
): Admission {
  const limit = limitNano(spec);
  const projected = spentNano + reservedNano + estimateNano;
  // Written only for a call it explains (most calls are plainly allowed).
  const numbers = () =>
    `${label}, ${spec.period} period ${isoTime(period.startMs)}–${isoTime(period.endMs)}: spent ${nanoToUsd(spentNano)} + reserved ${nanoToUsd(reservedNano)} + estimate ${nanoToUsd(estimateNano)} = ${nanoToUsd(projected)} USD against a limit of ${spec.limitUsd} USD`;
  if (projected > limit) {
    return spec.enforcement === 'hard'
      ? { decision: 'BLOCKED', reasonCode: 'BUDGET_EXCEEDED', reason: numbers() }
      : { decision: 'WARNING', reasonCode: 'SOFT_LIMIT_EXCEEDED', reason: numbers() };
  }
  const first = Math.min(...spec.thresholds);
  if (Number(projected) >= Number(limit) * first)
    return { decision: 'WARNING', reasonCode: 'THRESHOLD_CROSSED', reason: numbers() };
  return { decision: 'ALLOWED' };
}

export interface BudgetStatus extends BudgetSpec {
  /** The scope's key: the budget's identity (`team=search`, `customer=*`), or a template's counter's (`customer=acme`). */
  key: string;
  /** The template a counter belongs to (absent for a budget of its own). */
  template?: string;
  spentUsd: number;
  reservedUsd: number;
  utilization: number;
  periodStart: string;
  periodEnd: string;
  resetsInSeconds: number;
  forecastUsd: number;
  /** When the limit is reached at the period's burn rate so far; null when not before the period ends. */
  exhaustsAt: string | null;
  /** What a hard budget's spend passed its limit by (spent − limit when positive), USD; 0 for a soft budget. */
  overshootUsd: number;
  state: BudgetState;
}

export function budgetState(spec: BudgetSpec, utilization: number): BudgetState {
  if (utilization >= 1) return 'EXCEEDED';
  const sorted = [...spec.thresholds].filter((t) => t < 1).sort((a, b) => a - b);
  const critical = sorted.length >= 2 ? sorted[sorted.length - 1]! : 0.95;
  if (utilization >= critical) return 'CRITICAL';
  if (sorted.length && utilization >= sorted[0]!) return 'WARNING';
  return 'OK';
}

/** Period bounds as ISO text: a few distinct ones, written per covering budget of every admission. */
const isoTime = boundedMemo((ms: number) => new Date(ms).toISOString(), 1_000);

export function budgetStatus(
  spec: BudgetSpec,
  period: Period,
  now: number,
  spentNano: bigint,
  reservedNano: bigint,
  counter: { key: string; templateKey: string },
): BudgetStatus {
  const limit = limitNano(spec);
  const utilization = Number((spentNano * 1_000_000n) / limit) / 1_000_000;
  const elapsed = Math.max(1, now - period.startMs);
  const length = period.endMs - period.startMs;
  // Linear burn: what the period will have cost at this rate. A rolling window is always "whole".
  const forecastNano = spec.period === 'rolling' ? spentNano : (spentNano * BigInt(length)) / BigInt(elapsed);
  return {
    ...spec,
    // A template's counter is the template's spec for one value: the value shows in place of the `*`.
    ...(counter.templateKey ? parseScopeKey(counter.key) : {}),
    key: counter.key,
    ...(counter.templateKey ? { template: counter.templateKey } : {}),
    spentUsd: nanoToUsd(spentNano),
    reservedUsd: nanoToUsd(reservedNano),
    utilization,
    periodStart: isoTime(period.startMs),
    periodEnd: isoTime(period.endMs),
    resetsInSeconds: spec.period === 'rolling' ? 0 : Math.max(0, Math.ceil((period.endMs - now) / 1000)),
    forecastUsd: nanoToUsd(forecastNano),
    exhaustsAt: exhaustion(spec, period, now, spentNano, limit),
    overshootUsd: spec.enforcement === 'hard' && spentNano > limit ? nanoToUsd(spentNano - limit) : 0,
    state: budgetState(spec, utilization),
  };
}

/** The time the limit is reached at the burn rate so far in the period (now when already reached), or null. */
function exhaustion(
  spec: BudgetSpec,
  period: Period,
  now: number,
  spentNano: bigint,
  limit: bigint,
): string | null {
  if (spentNano >= limit) return new Date(now).toISOString();
  if (spec.period === 'rolling' || spentNano <= 0n) return null;
  const elapsed = BigInt(Math.max(1, now - period.startMs));
  const at = now + Number(((limit - spentNano) * elapsed) / spentNano);
  return at < period.endMs ? new Date(at).toISOString() : null;
}
