// OpenRouter's generation stats (`GET /api/v1/generation?id=gen-…`): what was billed for one call.
import { usdToNanoUsd } from '@genops/pricing';
import { z } from 'zod';
import type { BilledCost } from './reconciliation-store.js';

export const OPENROUTER_API_URL = 'https://openrouter.ai/api/v1';

/** The fields of the response GenOps reads (OpenRouter sends many more). */
const GenerationResponse = z.object({
  data: z.object({
    id: z.string(),
    model: z.string().nullish(),
    total_cost: z.number().finite().min(0),
    upstream_inference_cost: z.number().finite().min(0).nullish(),
    is_byok: z.boolean().nullish(),
    provider_name: z.string().nullish(),
    native_tokens_prompt: z.number().nullish(),
    native_tokens_completion: z.number().nullish(),
    cache_discount: z.number().nullish(),
  }),
});
export type Generation = z.infer<typeof GenerationResponse>['data'];

/** What one lookup found. */
export type GenerationLookup =
  | { kind: 'billed'; billed: BilledCost; generation: Generation }
  /** 404: the stats are not available yet (they come seconds to minutes after the call), or never will be. */
  | { kind: 'not-yet' }
  /** 429, 5xx, a timeout or a connection error: try again, after `retryAfterMs` when the server said. */
  | { kind: 'retry'; error: string; retryAfterMs?: number }
  /**
   * 401, 403 or another 4xx, or an answer of the wrong shape: the key or the request is wrong; retrying will not
   * help until that is fixed. `keyRefused`: the key itself (401/403), so every other lookup would fail too.
   */
  | { kind: 'refused'; error: string; keyRefused?: boolean };

/**
 * The billed cost as the ledger counts it. BYOK: `total_cost` is OpenRouter's fee and the provider bills
 * `upstream_inference_cost` to the caller's own key, so the cost is their sum (as the instrumentation records it).
 */
export function billedCost(g: Generation): BilledCost {
  const total = usdToNanoUsd(g.total_cost);
  const upstream = g.is_byok ? usdToNanoUsd(g.upstream_inference_cost ?? 0) : 0n;
  return { costNano: total + upstream, upstreamNano: upstream, provider: g.provider_name ?? '' };
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export class OpenRouterGenerations {
  constructor(
    private readonly apiKey: string,
    private readonly baseUrl = OPENROUTER_API_URL,
    private readonly timeoutMs = 10_000,
  ) {}

  async lookup(generationId: string): Promise<GenerationLookup> {
    const url = `${this.baseUrl.replace(/\/$/, '')}/generation?id=${encodeURIComponent(generationId)}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { authorization: `Bearer ${this.apiKey}` },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      return { kind: 'retry', error: `GET ${url}: ${(error as Error).message}` };
    }
    const text = await response.text().catch(() => '');
    if (response.status === 404) return { kind: 'not-yet' };
    if (response.status === 429 || response.status >= 500) {
      const after = retryAfterMs(response.headers.get('retry-after'));
      return {
        kind: 'retry',
        error: `${response.status} from OpenRouter: ${text.slice(0, 200)}`,
        ...(after !== undefined ? { retryAfterMs: after } : {}),
      };
    }
    if (!response.ok)
      return {
        kind: 'refused',
        keyRefused: response.status === 401 || response.status === 403,
        error: `${response.status} from OpenRouter${response.status === 401 || response.status === 403 ? ' (is GENOPS_OPENROUTER_API_KEY right?)' : ''}: ${text.slice(0, 200)}`,
      };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { kind: 'retry', error: `OpenRouter answered 200 with no JSON: ${text.slice(0, 200)}` };
    }
    const parsed = GenerationResponse.safeParse(json);
    if (!parsed.success)
      return {
        kind: 'refused',
        error: `OpenRouter's generation stats have an unexpected shape: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`,
      };
    return { kind: 'billed', billed: billedCost(parsed.data.data), generation: parsed.data.data };
  }
}
