// Batches off a consumer's message stream: everything already buffered (up to a limit), waiting only when nothing
// is. One batch is one ledger transaction and one offset commit, so a busy topic writes few large transactions and
// a quiet one writes each message as it comes.
import type { Readable } from 'node:stream';

export class MessageBatches<T> {
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private ended = false;

  constructor(
    private readonly stream: Readable,
    /** A batch ends at this many messages, or once its messages' weights reach `maxWeight`. */
    private readonly maxBatch: number,
    private readonly maxWeight = Infinity,
    private readonly weight: (message: T) => number = () => 0,
  ) {
    // Always listened to: an error while a batch is being written is kept for the next `next()`, never unhandled.
    stream.on('error', (error: Error) => {
      this.failure ??= error;
      this.wake?.();
    });
    const end = () => {
      this.ended = true;
      this.wake?.();
    };
    stream.on('close', end);
    stream.on('end', end);
    stream.on('readable', () => this.wake?.());
  }

  /** The next batch; undefined once the stream ended or `interrupt()` was called. Throws the stream's error. */
  async next(): Promise<T[] | undefined> {
    for (;;) {
      const batch = this.take();
      if (batch) return batch;
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  /** A batch of what is already buffered, without waiting; undefined when nothing is. Throws the stream's error. */
  take(): T[] | undefined {
    if (this.failure) throw this.failure;
    const batch: T[] = [];
    let weight = 0;
    let message: T | null;
    while (
      batch.length < this.maxBatch &&
      weight < this.maxWeight &&
      (message = this.stream.read() as T | null) !== null
    ) {
      batch.push(message);
      weight += this.weight(message);
    }
    return batch.length ? batch : undefined;
  }

  /** Makes a waiting `next()` return undefined (stopping). */
  interrupt(): void {
    this.ended = true;
    this.wake?.();
  }
}
