// A processor's escrow leases (lease-scripts.ts), PostgreSQL only: which budgets are hot here (many calls a second),
// how much of each to hold (a couple of seconds of its calls), topping a lease up before it runs low, renewing it
// before it expires, giving it back when the budget cools or the processor stops. Admission asks it which lease a
// budget's calls go against (batch-admission-scripts.ts); the database checks every draw, so what the keeper believes
// a lease holds is only an estimate for when to top it up.
import { randomBytes } from 'node:crypto';
import type { ReservationRequest } from '../budget/budget-store.js';
import { grantLease, leaseId, renewLease, returnLease, type BatchLeases } from './lease-scripts.js';
import type { Script } from './script.js';

export interface LeasePolicy {
  /** A budget is leased once this processor admits this many calls a second against it. */
  hotCallsPerSecond: number;
  /** A lease holds about this many seconds of the budget's calls here. */
  holdSeconds: number;
  /** From a hard budget, a grant takes at most 1/share of its headroom. */
  share: number;
  ttlMs: number;
  tickMs: number;
  /** A lease goes back after this long without a call against its budget. */
  coolMs: number;
}

export const DEFAULT_LEASES: LeasePolicy = {
  hotCallsPerSecond: 50,
  holdSeconds: 2,
  share: 8,
  ttlMs: 30_000,
  tickMs: 200,
  coolMs: 5_000,
};

interface Traffic {
  calls: number;
  amountNano: bigint;
  callsPerSecond: number;
  nanoPerSecond: bigint;
  largestNano: bigint;
  lastCallMs: number;
}

interface Held {
  id: string;
  /** An estimate: what the last grant or renewal read, less what calls drew since. */
  amountNano: bigint;
  expiresMs: number;
}

export class LeaseKeeper implements BatchLeases {
  private readonly owner = randomBytes(4).toString('hex');
  private generation = 0;
  private readonly traffic = new Map<string, Traffic>();
  private readonly held = new Map<string, Held>();
  private readonly timer: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private windowStartMs: number;
  private failing = false;

  constructor(
    private readonly write: <T>(script: Script<T>) => Promise<T>,
    private readonly policy: LeasePolicy = DEFAULT_LEASES,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly clock: () => number = Date.now,
  ) {
    this.windowStartMs = clock();
    this.timer = setInterval(() => void this.tick(this.clock()), policy.tickMs);
    this.timer.unref();
  }

  /** Counts a call against the budgets it could lease: budgets of their own, not a template's counters. */
  note(r: ReservationRequest): void {
    for (const b of r.budgets) {
      if (b.templateKey) continue;
      let t = this.traffic.get(b.key);
      if (!t) {
        t = {
          calls: 0,
          amountNano: 0n,
          callsPerSecond: 0,
          nanoPerSecond: 0n,
          largestNano: 0n,
          lastCallMs: 0,
        };
        this.traffic.set(b.key, t);
      }
      t.calls++;
      t.amountNano += r.amountNano;
      if (r.amountNano > t.largestNano) t.largestNano = r.amountNano;
      t.lastCallMs = r.nowMs;
    }
  }

  leaseFor(key: string): string {
    const h = this.held.get(key);
    return h && h.amountNano > 0n && h.expiresMs > this.clock() + this.policy.tickMs ? h.id : '';
  }

  drew(key: string, amountNano: bigint): void {
    const h = this.held.get(key);
    if (h) h.amountNano -= amountNano;
  }

  short(key: string): void {
    const h = this.held.get(key);
    if (h) h.amountNano = 0n;
  }

  /** The leases held, by budget key (estimates). */
  leases(): Map<string, bigint> {
    return new Map([...this.held].map(([key, h]) => [key, h.amountNano]));
  }

  /** One round: rates over the last second, then each budget's lease taken, topped up, renewed or given back. */
  tick(nowMs: number): Promise<void> {
    this.ticking ??= this.round(nowMs).finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async round(nowMs: number): Promise<void> {
    const elapsed = nowMs - this.windowStartMs;
    if (elapsed >= 1_000) {
      for (const t of this.traffic.values()) {
        t.callsPerSecond = (t.calls * 1_000) / elapsed;
        t.nanoPerSecond = (t.amountNano * 1_000n) / BigInt(elapsed);
        t.calls = 0;
        t.amountNano = 0n;
      }
      this.windowStartMs = nowMs;
    }
    let failed: unknown;
    for (const [key, t] of this.traffic) {
      try {
        await this.keep(key, t, nowMs);
      } catch (error) {
        failed ??= error;
      }
    }
    // Said once when rounds start failing (the database away: five rounds a second), not every round.
    if (failed !== undefined && !this.failing) this.onError(failed);
    this.failing = failed !== undefined;
  }

  private async keep(key: string, t: Traffic, nowMs: number): Promise<void> {
    const { policy } = this;
    let h = this.held.get(key);
    // Near its expiry a lease is left to the sweep (which may be deleting it) and a new one taken under a new id.
    if (h && h.expiresMs <= nowMs + 2 * policy.tickMs) {
      this.held.delete(key);
      h = undefined;
    }
    if (t.callsPerSecond < policy.hotCallsPerSecond) {
      // Cooling: given back under half the rate or after a quiet spell; kept (and renewed) in between.
      const cold = t.callsPerSecond < policy.hotCallsPerSecond / 2 || nowMs - t.lastCallMs >= policy.coolMs;
      if (h && cold) await this.giveBack(key, h);
      else if (h) await this.renew(key, h, nowMs);
      if (!h && nowMs - t.lastCallMs >= 60_000) this.traffic.delete(key);
      return;
    }
    const target = max(t.nanoPerSecond * BigInt(policy.holdSeconds), t.largestNano * 16n);
    if (!h || h.amountNano < target / 2n) {
      const id = h?.id ?? leaseId(`${this.owner}.${++this.generation}`, key);
      const granted = await this.write(
        grantLease({
          id,
          key,
          nowMs,
          wantNano: target - (h && h.amountNano > 0n ? h.amountNano : 0n),
          minNano: t.largestNano * 4n,
          share: policy.share,
          ttlMs: policy.ttlMs,
        }),
      );
      if (granted) this.held.set(key, { id, ...granted });
      else if (h) await this.renew(key, h, nowMs);
    } else if (h.expiresMs - nowMs < policy.ttlMs / 2) await this.renew(key, h, nowMs);
  }

  private async renew(key: string, h: Held, nowMs: number): Promise<void> {
    if (h.expiresMs - nowMs >= this.policy.ttlMs / 2) return;
    const renewed = await this.write(renewLease(h.id, key, nowMs, this.policy.ttlMs));
    if (renewed) this.held.set(key, { id: h.id, ...renewed });
    else this.held.delete(key); // revoked or expired
  }

  private async giveBack(key: string, h: Held): Promise<void> {
    this.held.delete(key);
    await this.write(returnLease(h.id, key));
  }

  /** Stops the rounds and gives every lease back. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    for (const [key, h] of [...this.held]) {
      try {
        await this.giveBack(key, h);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
