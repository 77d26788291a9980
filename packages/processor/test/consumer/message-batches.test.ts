import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MessageBatches } from '../../src/consumer/message-batches.js';

const objects = () => new PassThrough({ objectMode: true, highWaterMark: 100 });

describe('MessageBatches', () => {
  it('hands over everything already buffered at once, up to the limit', async () => {
    const stream = objects();
    for (let i = 1; i <= 5; i++) stream.write(i);
    const batches = new MessageBatches<number>(stream, 3);
    expect(await batches.next()).toEqual([1, 2, 3]);
    expect(await batches.next()).toEqual([4, 5]);
  });

  it('takes what is already buffered without waiting, or nothing', () => {
    const stream = objects();
    const batches = new MessageBatches<number>(stream, 2);
    expect(batches.take()).toBeUndefined();
    for (let i = 1; i <= 3; i++) stream.write(i);
    expect([batches.take(), batches.take(), batches.take()]).toEqual([[1, 2], [3], undefined]);
  });

  it('waits while nothing is buffered, then returns what arrived', async () => {
    const stream = objects();
    const batches = new MessageBatches<number>(stream, 10);
    const next = batches.next();
    setTimeout(() => stream.write(7), 20);
    expect(await next).toEqual([7]);
  });

  it('throws an error the stream emitted while no one was waiting, on the next call', async () => {
    const stream = objects();
    const batches = new MessageBatches<number>(stream, 10);
    stream.destroy(new Error('broker went away'));
    await expect(batches.next()).rejects.toThrow('broker went away');
  });

  it('returns undefined once the stream ends, or when interrupted while waiting', async () => {
    const ended = objects();
    const batches = new MessageBatches<number>(ended, 10);
    ended.end(1);
    expect(await batches.next()).toEqual([1]);
    expect(await batches.next()).toBeUndefined();
    const waiting = new MessageBatches<number>(objects(), 10);
    const next = waiting.next();
    waiting.interrupt();
    expect(await next).toBeUndefined();
  });
});
