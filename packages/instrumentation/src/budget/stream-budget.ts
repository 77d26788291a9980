// Holds a streamed call to its hard budget as it runs: the output is counted as it arrives, the reservation extended
// ahead of it in increments, and the stream cut when the budget refuses an increment — so a hard budget is passed by
// at most the chunk that crossed what was paid for. Written once for every SDK's stream observer.
import { AsyncLocalStorage } from 'node:async_hooks';
import { StreamCutError } from '../errors.js';
import type { BudgetGuard } from './budget-guard.js';
import type { StreamReservation } from './guard-types.js';
import { estimateTextTokens } from './prompt-tokens.js';

const uncut = new AsyncLocalStorage<true>();

/**
 * Runs `fn` with the streams of its calls never cut: their reservations still grow while the budget takes it; past
 * that they run to their end, and what they pass the budget by shows as its overshoot.
 */
export function withoutStreamCut<T>(fn: () => T): T {
  return uncut.run(true, fn);
}

/** Output tokens of a chunk's text, at least one for any text (a streamed token is rarely split across chunks). */
export const textTokens = (text: string) => (text ? Math.max(1, estimateTextTokens(text)) : 0);

export class StreamBudget {
  /** Whether a refused extension cuts the stream (`withoutStreamCut` turns it off for its calls). */
  readonly cuts = uncut.getStore() !== true;
  private paidFor: number;
  private used = 0;
  private pending: Promise<void> | undefined;
  private refused = false;

  constructor(
    private readonly guard: BudgetGuard,
    readonly reservation: StreamReservation,
  ) {
    this.paidFor = reservation.outputTokens;
  }

  /** Output tokens that have arrived. */
  get outputTokens(): number {
    return this.used;
  }

  /**
   * Counts `tokens` of output. Resolves true while what has arrived is paid for (waiting for an extension in flight
   * when it has outgrown it), false once the budget refused more: the stream must be cut before this chunk.
   */
  async admit(tokens: number): Promise<boolean> {
    this.used += tokens;
    const { incrementTokens, maxOutputTokens } = this.reservation;
    const more = () => !this.refused && this.paidFor < maxOutputTokens;
    // Ask ahead, at half of the last increment, so a stream within its budget never waits.
    if (!this.pending && more() && this.used >= this.paidFor - incrementTokens / 2)
      this.pending = this.extend();
    while (this.used > this.paidFor) {
      // Past the request's cap the provider did not stop where asked: nothing more to reserve or to cut for.
      if (this.paidFor >= maxOutputTokens && !this.refused) return true;
      if (this.refused) return !this.cuts;
      await (this.pending ??= this.extend());
    }
    return true;
  }

  private async extend(): Promise<void> {
    const { reservationId, incrementTokens, outputTokenUsd, maxOutputTokens } = this.reservation;
    const tokens = Math.min(incrementTokens, maxOutputTokens - this.paidFor);
    try {
      if (await this.guard.extend(reservationId, tokens * outputTokenUsd)) this.paidFor += tokens;
      else this.refused = true;
    } catch {
      this.refused = true;
    } finally {
      this.pending = undefined;
    }
  }
}

/**
 * Holds one chunk of a stream to its budget: counts the chunk's text and, when the budget refused more, aborts the
 * request and throws StreamCutError (the caller gets the chunks before this one). Nothing without a budget.
 */
export async function holdToBudget(
  budget: StreamBudget | undefined,
  text: string,
  team: string | undefined,
  abort: () => void,
): Promise<void> {
  if (!budget) return;
  const tokens = textTokens(text);
  if (await budget.admit(tokens)) return;
  abort();
  throw new StreamCutError(team ?? 'unattributed', budget.outputTokens - tokens);
}
