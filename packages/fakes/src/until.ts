// The one way tests wait: on a condition, never on a fixed sleep. Polls `read` until `done` says so, or fails naming
// what it waited for and the last value (or error) it saw.

export interface UntilOptions {
  /** Give up after this long; default 30 s. */
  timeoutMs?: number;
  /** Between reads; default 20 ms. */
  intervalMs?: number;
  /** A read that throws (a service still starting) is "not yet" rather than a failure; default false. */
  retryErrors?: boolean;
}

/** `done` by default: the read returned something (not undefined, null or false). */
const present = (value: unknown) => value !== undefined && value !== null && value !== false;

export async function until<T>(
  what: string,
  read: () => T | Promise<T>,
  done: (value: T) => boolean = present,
  options: UntilOptions | number = {},
): Promise<T> {
  const {
    timeoutMs = 30_000,
    intervalMs = 20,
    retryErrors = false,
  } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let last: { value: T } | { error: unknown } | undefined;
  for (;;) {
    try {
      const value = await read();
      if (done(value)) return value;
      last = { value };
    } catch (error) {
      if (!retryErrors) throw error;
      last = { error };
    }
    if (Date.now() > deadline) {
      const seen = !last ? '' : 'error' in last ? String(last.error) : JSON.stringify(last.value);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: last ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
