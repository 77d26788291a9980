// How many output tokens a budget's headroom pays for: a call is capped to what its reservation covers. Exact in
// nano-USD: the cost of a prompt and n output tokens grows by the same step for every n (the prompt fixes the price
// tier), so n is computed once and checked against the catalog's own sum.
import type { PriceCatalog } from '@genops/pricing';

const NANO_PER_USD = 1_000_000_000;

/** The most output tokens whose call (with `promptTokens` in) costs at most `headroomUsd`; undefined when unpriced. */
export function affordableOutputTokens(
  catalog: PriceCatalog,
  model: string,
  promptTokens: number,
  headroomUsd: number,
): number | undefined {
  const cost = (outputTokens: number) => catalog.estimate(model, { inputTokens: promptTokens, outputTokens });
  const base = cost(0);
  if (!base) return undefined;
  // The processor decides in nano-USD, and so does this: a float USD headroom is floored to whole nano-USD.
  const headroom = BigInt(Math.floor(headroomUsd * NANO_PER_USD));
  if (base.nanoUsd > headroom) return 0;
  const step = cost(1_000_000)!.nanoUsd - base.nanoUsd;
  if (step <= 0n) return Number.MAX_SAFE_INTEGER; // output is free
  let n = Number(((headroom - base.nanoUsd) * 1_000_000n) / step);
  while (n > 0 && cost(n)!.nanoUsd > headroom) n--;
  return n;
}

/** What one more output token costs after `promptTokens` in, USD; undefined when unpriced. */
export function outputTokenUsd(
  catalog: PriceCatalog,
  model: string,
  promptTokens: number,
): number | undefined {
  const base = catalog.estimate(model, { inputTokens: promptTokens, outputTokens: 0 });
  const more = catalog.estimate(model, { inputTokens: promptTokens, outputTokens: 1_000_000 });
  return base && more ? Number(more.nanoUsd - base.nanoUsd) / 1e15 : undefined;
}
