// Our catalog against Pydantic's genai-prices (its data as the npm package ships it): a few hundred (model, usage)
// pairs shaped like real traffic, priced by both. Where both hold the same rates the totals must agree to the
// nano-dollar — a difference there is our bug, and fails; every other difference is explained by the rates each
// source holds, and printed.
import { calcPrice, type ModelPrice as TheirPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { PriceCatalog, type ModelPrice, type TokenUsage } from '../src/price-catalog.js';
import { parseModelName } from '../src/model-identity.js';

/** The day after the bundled table was taken: both sources' current prices. */
const AT = new Date(Date.parse(`${PriceCatalog.bundled().version}T12:00:00Z`) + 86_400_000);
const SHAPES: TokenUsage[] = [
  { inputTokens: 150, outputTokens: 40 },
  { inputTokens: 1_200, outputTokens: 350 },
  { inputTokens: 12_000, outputTokens: 800, cacheReadTokens: 8_000 },
  { inputTokens: 6_000, outputTokens: 300, cacheWriteTokens: 4_000 },
  { inputTokens: 40_000, outputTokens: 1_500, cacheReadTokens: 30_000, cacheWriteTokens: 5_000 },
  { inputTokens: 3_000, outputTokens: 6_000, reasoningTokens: 4_500 },
  { inputTokens: 64_000, outputTokens: 16_000 },
  { inputTokens: 180_000, outputTokens: 2_000 },
  { inputTokens: 300_000, outputTokens: 1_000 },
  { inputTokens: 250_000, outputTokens: 4_000, cacheReadTokens: 100_000 },
];
/** genai-prices' provider ids for the makers our catalog names. */
const PROVIDER: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'google',
  deepseek: 'deepseek',
  mistralai: 'mistral',
};

function theirs(model: string, usage: TokenUsage) {
  const { vendor, key } = parseModelName(model);
  const tokens = {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    ...(usage.cacheReadTokens ? { cache_read_tokens: usage.cacheReadTokens } : {}),
    ...(usage.cacheWriteTokens ? { cache_write_tokens: usage.cacheWriteTokens } : {}),
  };
  const provider = vendor ? PROVIDER[vendor] : undefined;
  return (
    (provider ? calcPrice(tokens, key, { providerId: provider, timestamp: AT }) : null) ??
    calcPrice(tokens, model, { providerId: 'openrouter', timestamp: AT })
  );
}

type Rate = number | { base: number; tiers: { start: number; price: number }[] } | undefined;
const base = (r: Rate) => (typeof r === 'object' ? r.base : r);
const tier = (r: Rate) => (typeof r === 'object' ? r.tiers[0] : undefined);

/** The rates where the two sources differ, for the usage at hand. */
function rateDifferences(ours: ModelPrice, their: TheirPrice, usage: TokenUsage): string[] {
  const out: string[] = [];
  const pairs: [string, number | undefined, Rate, boolean][] = [
    ['input', ours.input, their.input_mtok as Rate, true],
    ['output', ours.output, their.output_mtok as Rate, true],
    [
      'cache read',
      ours.cacheRead ?? ours.input,
      (their.cache_read_mtok ?? their.input_mtok) as Rate,
      Boolean(usage.cacheReadTokens),
    ],
    [
      'cache write',
      ours.cacheWrite ?? ours.input,
      (their.cache_write_mtok ?? their.input_mtok) as Rate,
      Boolean(usage.cacheWriteTokens),
    ],
  ];
  for (const [name, mine, other, used] of pairs) {
    if (used && mine !== base(other)) out.push(`${name} ${mine} vs ${base(other)} USD/1M`);
  }
  const long = Object.values(their)
    .map((r) => tier(r as Rate))
    .find(Boolean);
  const ourLong = ours.longContext?.[0];
  if (usage.inputTokens > 128_000 && (long?.start ?? 0) !== (ourLong ? ourLong.thresholdTokens : 0))
    out.push(
      `long-context tier from ${ourLong ? ourLong.thresholdTokens : 'none'} vs ${long?.start ?? 'none'} tokens`,
    );
  else if (
    ourLong &&
    long &&
    usage.inputTokens > ourLong.thresholdTokens &&
    ourLong.input !== tier(their.input_mtok as Rate)?.price
  )
    out.push(`long-context input ${ourLong.input} vs ${tier(their.input_mtok as Rate)?.price} USD/1M`);
  return out;
}

describe('the bundled catalog against @pydantic/genai-prices', () => {
  it('agrees to the nano-dollar wherever both hold the same rates, and explains every other difference', () => {
    const catalog = PriceCatalog.bundled();
    let agree = 0;
    const missing = new Set<string>();
    const explained = new Map<string, Set<string>>();
    const unexplained: string[] = [];
    const pairs = catalog.modelIds().flatMap((model) => SHAPES.map((usage) => [model, usage] as const));
    for (const [model, usage] of pairs) {
      const mine = catalog.estimate(model, usage, AT)!;
      const other = theirs(model, usage);
      if (!other) {
        missing.add(model);
        continue;
      }
      const otherNano = BigInt(Math.round(other.total_price * 1e9));
      if (otherNano === mine.nanoUsd) {
        agree++;
        continue;
      }
      const why = rateDifferences(mine.price, other.model_price, usage);
      if (why.length)
        for (const w of why) (explained.get(model) ?? explained.set(model, new Set()).get(model)!).add(w);
      else
        unexplained.push(
          `${model} ${JSON.stringify(usage)}: ours ${mine.nanoUsd} vs theirs ${otherNano} nano-USD`,
        );
    }
    const compared = pairs.length - missing.size * SHAPES.length;
    console.log(
      [
        `${pairs.length} (model, usage) pairs: ${agree} of ${compared} priced by both agree to the nano-dollar;`,
        `${missing.size} models not in genai-prices' data: ${[...missing].join(', ')}`,
        `differences from the rates each source holds (different source data: ours are the table of ${catalog.version}):`,
        ...[...explained].map(([model, why]) => `  ${model}: ${[...why].join('; ')}`),
      ].join('\n'),
    );
    expect(unexplained).toEqual([]);
    expect(agree).toBeGreaterThan(0);
  });
});
