// The recent admission decisions, kept in memory by each processor: "why was my call blocked" has an answer.
import type { Admission } from '../budget/decision.js';

export interface DecisionEntry extends Admission {
  timeMs: number;
  team: string;
  project?: string;
  model: string;
  estimateNano: bigint;
  reservationId?: string;
}

/** A ring of the last `capacity` decisions; reading never blocks recording. */
export class DecisionLog {
  private readonly entries: (DecisionEntry | undefined)[];
  private next = 0;

  constructor(readonly capacity = 2000) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`decision log capacity must be a positive integer, got ${capacity}`);
    this.entries = new Array<DecisionEntry | undefined>(capacity);
  }

  record(entry: DecisionEntry): void {
    this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Newest first, filtered, at most `limit`. */
  recent(filter: {
    teams?: ReadonlySet<string> | undefined;
    team?: string | undefined;
    decision?: string | undefined;
    limit: number;
  }): DecisionEntry[] {
    const out: DecisionEntry[] = [];
    for (let i = 1; i <= this.capacity && out.length < filter.limit; i++) {
      const e = this.entries[(this.next - i + this.capacity) % this.capacity];
      if (!e) break;
      if (filter.teams && !filter.teams.has(e.team)) continue;
      if (filter.team !== undefined && e.team !== filter.team) continue;
      if (filter.decision !== undefined && e.decision !== filter.decision) continue;
      out.push(e);
    }
    return out;
  }
}
