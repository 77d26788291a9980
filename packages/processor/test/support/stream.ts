// Cost-span streams with an exact expected total, produced in slices while chaos runs; totals read back.
import { until } from '@genops/fakes';
import { produce } from './kafka.js';
import { otlpMessage, otlpSpan } from './otlp.js';

const NOW = Date.now();
const SPANS_PER_MESSAGE = 200;

interface Stream {
  messages: string[];
  costNano: bigint;
  requests: number;
}

/** `count` spans of `team` with random whole micro-USD costs; the exact expected sum in nano-USD. */
export function makeStream(team: string, count: number): Stream {
  const messages: string[] = [];
  let costNano = 0n;
  for (let i = 0; i < count; i += SPANS_PER_MESSAGE) {
    const spans = [];
    for (let j = i; j < Math.min(i + SPANS_PER_MESSAGE, count); j++) {
      const micro = 1 + Math.floor(Math.random() * 5000);
      costNano += BigInt(micro) * 1000n;
      spans.push(otlpSpan({ team, costUsd: micro / 1e6, endMs: NOW - (j % 3_600_000) }));
    }
    messages.push(otlpMessage(spans));
  }
  return { messages, costNano, requests: count };
}

export async function totals(url: string, team: string): Promise<{ costUsd: number; requests: number }> {
  const q = `from=${new Date(NOW - 2 * 86_400_000).toISOString()}&to=${new Date(NOW + 86_400_000).toISOString()}&team=${team}`;
  const res = await fetch(`${url}/v1/reports/cost?${q}`, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as { totals?: { costUsd: number; requests: number } };
  // While a fault lasts the processor answers 503 (ledger unavailable): nothing counted yet, as far as we know.
  return body.totals ?? { costUsd: 0, requests: -1 };
}

/** The team's totals once they count `requests` calls (a fault may keep them short for a while). */
export const waitForTotals = (url: string, team: string, requests: number, timeoutMs = 240_000) =>
  until(
    `${requests} calls of ${team} counted`,
    () => totals(url, team),
    (t) => t.requests >= requests,
    {
      timeoutMs,
      intervalMs: 500,
      retryErrors: true,
    },
  );

/** Produces the stream in slices while `chaos` runs; resolves when both are done. */
export async function streamWithChaos(
  brokers: string,
  topic: string,
  stream: Stream,
  chaos: (producing: () => boolean) => Promise<void>,
) {
  let producing = true;
  const producer = (async () => {
    for (let i = 0; i < stream.messages.length; i += 25) {
      await produce(brokers, topic, stream.messages.slice(i, i + 25));
      await sleep(50); // a stream, not one burst: crashes land mid-stream
    }
    producing = false;
  })();
  await Promise.all([producer, chaos(() => producing)]);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
