// A function's results remembered by argument, for the few values admission computes again on every call (scope
// keys parsed, their labels, period bounds as text). Bounded: emptied when full. Pure; the console imports it.

export function boundedMemo<K, V>(compute: (key: K) => V, max: number): (key: K) => V {
  const known = new Map<K, V>();
  return (key) => {
    if (known.has(key)) return known.get(key)!;
    if (known.size >= max) known.clear();
    const value = compute(key);
    known.set(key, value);
    return value;
  };
}
