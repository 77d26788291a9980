// Demo traffic: several teams, models and served providers through the real `openai` SDK with the
// instrumentation, against the fake OpenRouter — streaming and not, a few errors and fallbacks.
import OpenAI from 'openai';
import { characterTokens } from '@genops/fakes';
import { BudgetExceededError, BudgetGuard, instrumentOpenAI, withGenOps } from '@genops/instrumentation';

export interface TrafficPlan {
  team: string;
  project: string;
  model: string;
  calls: number;
  stream?: boolean;
  /** Request a fallback list whose first entry fails. */
  fallback?: boolean;
  /** Every n-th call hits a 429. */
  errorEvery?: number;
  /** OpenRouter `provider.order`: the first entry is down in the demo, so the next one serves. */
  providerOrder?: string[];
  /**
   * Through a gateway that drops `usage.cost`: the instrumentation estimates the cost from the price catalog, and
   * the processor reconciles it with OpenRouter's bill.
   */
  viaGateway?: boolean;
}

export const DEMO_PLAN: TrafficPlan[] = [
  { team: 'search', project: 'ranker', model: 'deepseek/deepseek-chat', calls: 30 },
  {
    team: 'search',
    project: 'ranker',
    model: 'deepseek/deepseek-chat',
    calls: 10,
    providerOrder: ['Fireworks', 'DeepInfra'],
  },
  { team: 'search', project: 'summaries', model: 'qwen/qwen-2.5-72b-instruct', calls: 20, stream: true },
  {
    team: 'support',
    project: 'assistant',
    model: 'openai/gpt-4o-mini',
    calls: 25,
    errorEvery: 10,
    viaGateway: true,
  },
  { team: 'support', project: 'assistant', model: 'anthropic/claude-3.5-sonnet', calls: 10, fallback: true },
  { team: 'growth', project: 'emails', model: 'meta-llama/llama-3.3-70b-instruct', calls: 15, stream: true },
];

/** The messages of the demo's `i`-th call of `plan`. */
export function demoMessages(plan: TrafficPlan, i: number): { role: 'user'; content: string }[] {
  return [
    { role: 'user', content: `Request ${i} for ${plan.team}/${plan.project}: summarise the latest tickets.` },
  ];
}

export interface TrafficResult {
  calls: number;
  errors: number;
  /** Calls BudgetGuard stopped before they reached the LLM. */
  blocked: number;
}

export async function runTraffic(
  baseURL: string,
  processorUrl: string,
  plan: TrafficPlan[],
  onProgress: (done: number, total: number) => void,
): Promise<TrafficResult> {
  const client = instrumentOpenAI(new OpenAI({ baseURL, apiKey: 'demo-key', maxRetries: 0 }), {
    provider: 'openrouter',
    defaults: { environment: 'demo' },
    // The fake OpenRouter bills one prompt token per character (fakeUsage): the guard counts the prompt the same
    // way, as a service gives it its models' tokenizer.
    budgetGuard: new BudgetGuard({ url: processorUrl, promptTokenCounter: characterTokens }),
  });
  let blocked = 0;
  const total = plan.reduce((n, p) => n + p.calls, 0);
  let done = 0;
  let errors = 0;
  for (const p of plan) {
    for (let i = 0; i < p.calls; i++) {
      const failing = p.errorEvery !== undefined && (i + 1) % p.errorEvery === 0;
      const body: Record<string, unknown> = {
        model: p.model,
        messages: demoMessages(p, i),
        max_tokens: 40 + (i % 5) * 20,
        ...(p.fallback ? { models: ['fail/503', p.model] } : {}),
        ...(p.providerOrder ? { provider: { order: p.providerOrder } } : {}),
        ...(p.stream ? { stream: true } : {}),
      };
      try {
        await withGenOps({ team: p.team, project: p.project, customerId: `customer-${i % 7}` }, async () => {
          const headers = {
            ...(failing ? { 'x-fake-status': '429' } : {}),
            ...(p.viaGateway ? { 'x-fake-no-cost': '1' } : {}),
          };
          const options = Object.keys(headers).length ? { headers } : undefined;
          const result = await client.chat.completions.create(body as never, options);
          if (p.stream) for await (const _chunk of result as unknown as AsyncIterable<unknown>) void _chunk;
        });
      } catch (error) {
        if (error instanceof BudgetExceededError) blocked++;
        else errors++;
      }
      onProgress(++done, total);
    }
  }
  return { calls: total, errors, blocked };
}
