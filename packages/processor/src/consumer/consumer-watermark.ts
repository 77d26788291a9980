// How far the consumer group has caught up: the last time at which every partition's committed offset had reached
// the partition's end. Offsets are committed only after the ledger write, so every cost span produced before that
// time is in the ledger. Reservation expiry waits for it, so a lagging consumer never makes a call's spend vanish.
import type { Admin } from '@platformatic/kafka';

/** The latest offset (the partition's end) in a ListOffsets request. */
const LATEST = -1n;

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
    const metadata = await this.admin.metadata({ topics: [this.topic] });
    const count = metadata.topics.get(this.topic)?.partitionsCount ?? 0;
    const partitionIndexes = Array.from({ length: count }, (_, i) => i);
    const [ends, [group]] = await Promise.all([
      this.admin.listOffsets({
        topics: [
          {
            name: this.topic,
            partitions: partitionIndexes.map((p) => ({ partitionIndex: p, timestamp: LATEST })),
          },
        ],
      }),
      this.admin.listConsumerGroupOffsets({
        groups: [{ groupId: this.groupId, topics: [{ name: this.topic, partitionIndexes }] }],
      }),
    ]);
    const done = new Map<number, bigint>();
    for (const t of group?.topics ?? [])
      for (const p of t.partitions)
        done.set(p.partitionIndex, p.committedOffset < 0n ? 0n : p.committedOffset);
    return ends.every((t) => t.partitions.every((p) => (done.get(p.partitionIndex) ?? 0n) >= p.offset));
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
