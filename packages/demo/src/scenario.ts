// The demo's world, shared with the dashboards contract test: what the fake OpenRouter serves and charges, and
// the teams' budgets.
import type { FakeOpenRouterOptions } from '@genops/fakes';

export const DEMO_FAKE_OPENROUTER: FakeOpenRouterOptions = {
  providers: {
    'deepseek/deepseek-chat': ['DeepInfra', 'Together'],
    'qwen/qwen-2.5-72b-instruct': ['Together'],
    'openai/gpt-4o-mini': ['OpenAI'],
    'anthropic/claude-3.5-sonnet': ['Anthropic'],
    'meta-llama/llama-3.3-70b-instruct': ['Groq', 'DeepInfra'],
  },
  prices: {
    'deepseek/deepseek-chat': { input: 0.27, output: 1.1 },
    'qwen/qwen-2.5-72b-instruct': { input: 0.35, output: 0.4 },
    'openai/gpt-4o-mini': { input: 0.15, output: 0.6 },
    'anthropic/claude-3.5-sonnet': { input: 3, output: 15 },
    // The catalog's price today: BudgetGuard's worst case for growth's calls is what they are billed.
    'meta-llama/llama-3.3-70b-instruct': { input: 0.2, output: 0.2 },
  },
  // What OpenRouter bills for gpt-4o-mini went up 10 % (the provider's new price, not yet in the price catalog):
  // calls whose cost was estimated from the catalog are reconciled to it.
  billedPrices: { 'openai/gpt-4o-mini': { input: 0.165, output: 0.66 } },
  // Requests that ask for Fireworks first are served by the next provider: a provider fallback.
  downProviders: ['Fireworks'],
  latencyMs: 15,
};

// growth's hard budget takes only its first few calls: the demo shows BudgetGuard stopping the rest.
export const DEMO_BUDGETS_YAML = `budgets:
  - team: search
    period: monthly
    limitUsd: 50
    enforcement: soft
  - team: support
    period: daily
    timezone: Europe/Berlin
    limitUsd: 0.02
    enforcement: soft
  - team: growth
    period: daily
    limitUsd: 0.0002
    enforcement: hard
`;
