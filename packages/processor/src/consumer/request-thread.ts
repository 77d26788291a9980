// A worker thread of the consumer's (decode-thread.ts, ingest-thread.ts) that answers requests by id: started on the
// first request and again after it failed; one that cannot run gives the work back to the consumer's thread.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** A thread module: the built JavaScript beside this one (run from src/ by a test runner: the one in dist/). */
export function threadModule(name: string): string {
  const here = fileURLToPath(import.meta.url);
  const dir = here.endsWith('.ts')
    ? dirname(here).replace(/([/\\])src([/\\])consumer$/, '$1dist$2consumer')
    : dirname(here);
  return join(dir, `${name}.js`);
}

/** What a thread answers: its reply to request `id`, or why it failed. */
export type ThreadReply<R> = ({ id: number } & R) | { id: number; error: string };

interface Waiting<R> {
  resolve(reply: R): void;
  reject(error: Error): void;
}

/** Threads lost in a row (none answering between) after which the work goes back to the consumer's thread. */
const FAILURES_BEFORE_GIVING_UP = 2;

/**
 * One thread running `module`, started on the first request and again after it failed (the requests in flight then
 * fail, and the consumer reads their batch again from the last commit). A thread that cannot run — its module
 * missing, as in a bundle, or lost twice in a row — never stops ingest: `available` turns false, with one warning,
 * and the caller does the work on its own thread from then on.
 */
export class RequestThread<Request extends object, Reply extends object> {
  available = true;
  private failuresInARow = 0;
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, Waiting<Reply>>();

  constructor(
    private readonly module: string,
    /** What the thread does and what it is called, for errors and the warning (`decoding`, `decoding thread`). */
    private readonly names: { work: string; thread: string },
    private readonly warn: (message: string) => void,
    private readonly workerData?: unknown,
    /** Called whenever a new thread starts (it knows nothing the one before was sent). */
    private readonly onStart: () => void = () => {},
  ) {
    if (!existsSync(module)) this.giveUp(`its module ${module} is missing`);
  }

  private giveUp(why: string): void {
    this.available = false;
    this.warn(`${this.names.work} on the consumer's thread: the ${this.names.thread} cannot run (${why})`);
  }

  private start(): Worker {
    const worker = new Worker(this.module, { execArgv: [], workerData: this.workerData });
    worker.on('message', (reply: ThreadReply<Reply>) => {
      this.failuresInARow = 0;
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ('error' in reply && typeof reply.error === 'string')
        waiting?.reject(new Error(`${this.names.thread}: ${reply.error}`));
      else waiting?.resolve(reply as Reply);
    });
    worker.on('error', (error) => this.fail(worker, error));
    worker.on('exit', (code) => this.fail(worker, new Error(`${this.names.thread} exited (${code})`)));
    worker.unref(); // an idle thread never keeps the process alive
    this.onStart();
    return worker;
  }

  private fail(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (++this.failuresInARow >= FAILURES_BEFORE_GIVING_UP && this.available) this.giveUp(error.message);
    this.rejectWaiting(error);
  }

  private rejectWaiting(error: Error): void {
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }

  /**
   * Sends the request `make` builds (its `transfer` buffers moved, not copied) and waits for the thread's reply. A
   * thread is started first when none runs, so `onStart` has run before `make`: what a new thread must be sent is
   * in the request it gets.
   */
  async request(make: () => Request, transfer: ArrayBuffer[] = []): Promise<Reply> {
    const worker = (this.worker ??= this.start());
    const request = make();
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref(); // a request in flight keeps the process alive until answered
      worker.postMessage({ ...request, id }, transfer);
    }).finally(() => {
      if (!this.waiting.size) worker.unref();
    });
  }

  /**
   * Stops the thread: `goodbye`, when given, is sent and the thread left to exit by itself (closing what it holds);
   * otherwise it is terminated. Requests in flight fail.
   */
  async close(goodbye?: object): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    this.rejectWaiting(new Error(`the ${this.names.thread} was closed`));
    if (!goodbye) {
      await worker.terminate();
      return;
    }
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.ref();
    worker.postMessage(goodbye);
    await exited;
  }
}
