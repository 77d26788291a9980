// Observing an SDK's promise the way its caller consumes it. The openai and Anthropic SDKs (Stainless) return an
// APIPromise that parses the response body only when awaited; `.asResponse()` hands over the raw Response with its
// body unread. Awaiting the promise to observe it would read that body first, so the caller of `.asResponse()` would
// get a Response whose body is already used. Here the promise is observed when it is used: awaited (or
// `.withResponse()`), through the parsed result; `.asResponse()`, through a clone of the raw response. A promise
// nobody uses is observed through a clone once its response has arrived, so every call made is recorded.
import { safely } from './safely.js';

/** Reads a settled result (a response body or a stream of events) and ends the span. */
export type Observe = (settled: PromiseLike<unknown>) => unknown;

interface ApiPromise extends Promise<unknown> {
  asResponse(): Promise<Response>;
  withResponse(): Promise<unknown>;
}

export const isApiPromise = (value: unknown): value is ApiPromise =>
  value instanceof Promise &&
  typeof (value as Partial<ApiPromise>).asResponse === 'function' &&
  typeof (value as Partial<ApiPromise>).withResponse === 'function';

/** An SSE body's events as the SDKs parse them: each `data:` as JSON (`[DONE]` and non-JSON data skipped). */
async function* sseEvents(response: Response): AsyncGenerator<unknown> {
  if (!response.body) return;
  // Loaded on the first raw stream only: importing the instrumentation loads nothing it does not need.
  const { EventSourceParserStream } = await import('eventsource-parser/stream');
  const events = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  for await (const event of events) {
    try {
      yield JSON.parse(event.data);
    } catch {
      // `[DONE]`, or a keep-alive without JSON
    }
  }
}

/** The settled result as read from a raw response: its JSON body, or (an event stream) its events, drained here. */
function observeRaw(response: Response, observe: Observe): void {
  const copy = response.clone();
  if (!(copy.headers.get('content-type') ?? '').includes('text/event-stream')) {
    observe(copy.json());
    return;
  }
  const events: AsyncIterable<unknown> = { [Symbol.asyncIterator]: () => sseEvents(copy) };
  const settled = Promise.resolve(events);
  observe(settled);
  // After the observer has wrapped the iteration (its handler on `settled` runs first), read the stream to its end.
  // A failure while reading the copy (a broken body, a stream budget's cut) has ended the span; the caller's own
  // response is theirs to read.
  settled
    .then(async (stream) => {
      for await (const event of stream) void event;
    })
    .catch(() => {});
}

/**
 * Patches `promise` in place (the same object, class and methods) so that `observe` runs once, on its first use;
 * `onFailure` runs when the request itself fails (no response).
 */
export function observeOnUse(promise: ApiPromise, observe: Observe, onFailure: () => void): void {
  const original = {
    then: promise.then,
    catch: promise.catch,
    finally: promise.finally,
    asResponse: promise.asResponse,
    withResponse: promise.withResponse,
  };
  let observed = false;
  const parsed = () => {
    if (observed) return;
    observed = true;
    const settled = original.then.call(promise, (value: unknown) => value);
    safely('observing the call', () => observe(settled), undefined);
  };
  const raw = (response: Response) => {
    if (observed) return;
    observed = true;
    safely('observing the response', () => observeRaw(response, observe), undefined);
  };
  const patch = (name: 'then' | 'catch' | 'finally' | 'withResponse') =>
    Object.defineProperty(promise, name, {
      configurable: true,
      writable: true,
      value: function (this: ApiPromise, ...args: unknown[]) {
        parsed();
        return (original[name] as (...a: unknown[]) => unknown).apply(this, args);
      },
    });
  for (const name of ['then', 'catch', 'finally', 'withResponse'] as const) patch(name);
  Object.defineProperty(promise, 'asResponse', {
    configurable: true,
    writable: true,
    value: () =>
      original.asResponse.call(promise).then((response) => {
        raw(response);
        return response;
      }),
  });
  // Nobody used it by the time the response arrived: observe a clone, leaving the body to a later use.
  original.asResponse.call(promise).then(
    (response) => setImmediate(() => raw(response)),
    () => {
      onFailure();
      setImmediate(parsed);
    },
  );
}
