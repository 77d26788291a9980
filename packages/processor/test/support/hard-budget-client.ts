// One service process of the hard-budget test (hard-budget.stack.test.ts): CONCURRENCY workers call one LLM client —
// the real `openai`, `@anthropic-ai/sdk` or AI SDK, instrumented, behind BudgetGuard — against the fakes, streamed and
// not in turn, until the budget blocks them; their spans go to the stack's collector. Prints what happened as JSON.
// Run by Node with its TypeScript type stripping (erasable syntax only).
//   CLIENT        openai | anthropic | ai-sdk
//   GUARD         held: BudgetGuard as shipped (caps, stream extensions and cuts)
//                 estimate-only: the control — admits on the estimate and sets no cap, cuts no stream
//   TEAM, PROCESSOR_URL, OPENROUTER_URL, ANTHROPIC_URL, OTLP_ENDPOINT, CONCURRENCY, MAX_CALLS, START_AT
import Anthropic from '@anthropic-ai/sdk';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import {
  BudgetExceededError,
  BudgetGuard,
  genopsMiddleware,
  instrumentAnthropic,
  instrumentOpenAI,
  StreamCutError,
  withGenOps,
  type Admitted,
  type ChatAdmission,
  type ChatMessageLike,
} from '@genops/instrumentation';
import { setupGenOps } from '@genops/setup';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import OpenAI from 'openai';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`hard-budget-client: set ${name}`);
  return value;
};

/** The fakes bill one prompt token per character: the guard counts the same way (exact, as a tokenizer is). */
const characters = (messages: readonly ChatMessageLike[]) =>
  messages.reduce((n, m) => {
    const content = m.content;
    if (typeof content === 'string') return n + content.length;
    if (!Array.isArray(content)) return n;
    return (
      n + content.reduce((k: number, part: { text?: unknown }) => k + String(part?.text ?? '').length, 0)
    );
  }, 0);

/** What other budget tools do: reserve the estimate (the request's cap, else the default) and let the call run. */
class EstimateOnlyGuard extends BudgetGuard {
  override async admitChat(call: ChatAdmission): Promise<Admitted> {
    const estimate = this.estimateChatCost({
      model: call.priceModel ?? call.model,
      messages: call.messages,
      max_tokens: call.maxOutputTokens,
    });
    return this.admit({ team: call.team, model: call.model, estimatedCostUsd: estimate.usd });
  }
}

const guardOptions = {
  url: env('PROCESSOR_URL'),
  failOpen: false,
  defaultMaxOutputTokens: 200,
  streamIncrementTokens: 50,
  promptTokenCounter: characters,
};
const guard = env('GUARD') === 'held' ? new BudgetGuard(guardOptions) : new EstimateOnlyGuard(guardOptions);
const genops = setupGenOps({ serviceName: `hard-budget-${env('CLIENT')}`, endpoint: env('OTLP_ENDPOINT') });
const clientOptions = { budgetGuard: guard, env: {} };

/** One call of this process's client; resolves when its whole answer (or stream) has been read. */
function caller(client: string): (stream: boolean, i: number) => Promise<void> {
  const messages = (i: number) => [{ role: 'user' as const, content: `Call ${i}: draft the weekly summary` }];
  if (client === 'openai') {
    const openai = instrumentOpenAI(
      new OpenAI({ baseURL: env('OPENROUTER_URL'), apiKey: 'k', maxRetries: 0 }),
      {
        provider: 'openrouter',
        ...clientOptions,
      },
    );
    return async (stream, i) => {
      const body = { model: 'openai/gpt-4o', messages: messages(i) };
      if (!stream) return void (await openai.chat.completions.create(body));
      const chunks = await openai.chat.completions.create({
        ...body,
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of chunks) void chunk;
    };
  }
  if (client === 'anthropic') {
    const anthropic = instrumentAnthropic(
      new Anthropic({ baseURL: env('ANTHROPIC_URL'), apiKey: 'k', maxRetries: 0 }),
      clientOptions,
    );
    return async (stream, i) => {
      const body = { model: 'claude-sonnet-4-5-20250929', max_tokens: 600, messages: messages(i) };
      if (!stream) return void (await anthropic.messages.create(body));
      for await (const event of await anthropic.messages.create({ ...body, stream: true })) void event;
    };
  }
  const provider = createOpenAICompatible({
    name: 'openrouter',
    baseURL: env('OPENROUTER_URL'),
    apiKey: 'k',
  });
  const model = wrapLanguageModel({
    model: provider.chatModel('openai/gpt-4o'),
    middleware: genopsMiddleware(clientOptions),
  });
  return async (stream, i) => {
    if (!stream) return void (await generateText({ model, messages: messages(i), maxRetries: 0 }));
    const result = streamText({ model, messages: messages(i), maxRetries: 0 });
    for await (const part of result.fullStream) if (part.type === 'error') throw part.error;
  };
}

const outcome = { calls: 0, cut: 0, blocked: 0 };
const call = caller(env('CLIENT'));

async function worker(w: number): Promise<void> {
  for (let i = 0; i < Number(env('MAX_CALLS')); i++) {
    try {
      await withGenOps({ team: env('TEAM') }, () => call((w + i) % 2 === 0, i));
      outcome.calls++;
    } catch (error) {
      if (error instanceof StreamCutError) outcome.cut++;
      else if (error instanceof BudgetExceededError) return void outcome.blocked++;
      else throw error;
    }
  }
}

await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(env('START_AT')) - Date.now())));
await Promise.all(Array.from({ length: Number(env('CONCURRENCY')) }, (_, w) => worker(w)));
await genops.shutdown();
process.stdout.write(JSON.stringify(outcome));
