// How far the consumer group has caught up: the last time at which every partition's committed offset had reached
// the partition's end. Offsets are committed only after the ledger write, so every cost span produced before that
// time is in the ledger. Reservation expiry waits for it, so a lagging consumer never makes a call's spend vanish.
import type { Admin } from 'kafkajs';

export class ConsumerWatermark {
  private caughtUpAtMs = 0;

  constructor(
    private readonly admin: Admin,
    private readonly topic: string,
    private readonly groupId: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Asks the broker whether every partition's committed offset has reached the partition's end now. */
  async isCaughtUp(): Promise<boolean> {
    const [ends, committed] = await Promise.all([
      this.admin.fetchTopicOffsets(this.topic),
      this.admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] }),
    ]);
    const done = new Map<number, bigint>();
    for (const t of committed)
      for (const p of t.partitions) done.set(p.partition, BigInt(p.offset === '-1' ? '0' : p.offset));
    return ends.every((p) => (done.get(p.partition) ?? 0n) >= BigInt(p.high));
  }

  /**
   * Asks the broker; advances the watermark when every partition is consumed to its end. Returns it (0 before
   * the group was first seen caught up).
   */
  async check(): Promise<number> {
    const askedAt = this.clock();
    if (await this.isCaughtUp()) this.caughtUpAtMs = Math.max(this.caughtUpAtMs, askedAt);
    return this.caughtUpAtMs;
  }
}
