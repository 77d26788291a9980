// Routes an SDK stream's iteration through an observer while keeping the object and its API intact. Both the
// openai and the Anthropic SDK (Stainless) build iteration, `tee()` and `toReadableStream()` on the Stream's
// `iterator` factory, so replacing that factory is enough; other async iterables get their Symbol.asyncIterator.
export function observeStreamIterator<T>(
  stream: unknown,
  observe: (source: AsyncIterator<T>) => AsyncIterator<T>,
): void {
  const target = stream as { iterator?: () => AsyncIterator<T> } & AsyncIterable<T>;
  if (typeof target.iterator === 'function') {
    const original = target.iterator.bind(target);
    target.iterator = () => observe(original());
    return;
  }
  const originalIterator = target[Symbol.asyncIterator].bind(target);
  Object.defineProperty(target, Symbol.asyncIterator, {
    configurable: true,
    value: () => observe(originalIterator()),
  });
}
