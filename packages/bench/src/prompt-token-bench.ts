// What BudgetGuard counts for a prompt against what providers report, in three tables. BudgetGuard reserves for its
// count, so an undercount under-reserves.
// 1. Against OpenAI's o200k chat count, on a corpus of prompts in several kinds (English, code, JSON, German, French,
//    Chinese, Japanese, Korean, multi-turn chat): the old fixed 4 characters a token, the calibrated estimate
//    (`estimatePromptTokens`: letters, symbols and CJK characters weighted, chat overhead) and the o200k counter.
//    Re-fit the estimate's weights here.
// 2. Per model family against its own tokenizer (provider-tokenizers.ts): the bare estimate and what the guard counts
//    (OpenAI's tokenizer for OpenAI models, the estimate with its stated margin elsewhere). Re-check the margin here.
// 3. The demo's traffic through the fake OpenRouter counting as each model's provider does: counted vs reported.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { DEMO_PLAN, demoMessages } from '@genops/demo';
import { startFakeOpenRouter } from '@genops/fakes';
import { BudgetGuard, estimatePromptTokens, type ChatMessageLike } from '@genops/instrumentation';
import { o200kPromptTokens } from '@genops/instrumentation/tokenizer';
import { FAMILIES, providerPromptTokens, type Family } from './provider-tokenizers.js';

interface Sample {
  kind: string;
  messages: (ChatMessageLike & { content: string })[];
}

const corpus = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'corpus', 'prompts.json'), 'utf8'),
) as Sample[];

function fixedFour(messages: Sample['messages']): number {
  return Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);
}

interface Row {
  kind: string;
  billed: number;
  before: number;
  calibrated: number;
  tokenizer: number;
}

const rows: Row[] = corpus.map((s) => ({
  kind: s.kind,
  billed: o200kPromptTokens(s.messages, 'openai/gpt-4o')!,
  before: fixedFour(s.messages),
  calibrated: estimatePromptTokens(s.messages),
  tokenizer: o200kPromptTokens(s.messages, 'gpt-4o')!,
}));

const pct = (estimate: number, billed: number) => ((estimate - billed) / billed) * 100;
function summary(list: Row[], pick: (r: Row) => number): string {
  const errors = list.map((r) => pct(pick(r), r.billed));
  const meanAbs = errors.reduce((n, e) => n + Math.abs(e), 0) / errors.length;
  const worstUnder = Math.min(0, ...errors);
  return `${meanAbs.toFixed(1).padStart(6)}% |${worstUnder.toFixed(1).padStart(7)}%`;
}

const kinds = [...new Set(rows.map((r) => r.kind))];
process.stdout.write(
  `prompt tokens vs what OpenAI bills (o200k chat format), ${rows.length} prompts — mean |error| | worst undercount\n`,
);
process.stdout.write(
  `${'kind'.padEnd(10)} ${'chars/4 (before)'.padEnd(19)} ${'calibrated'.padEnd(19)} o200k counter\n`,
);
for (const kind of [...kinds, 'all']) {
  const list = kind === 'all' ? rows : rows.filter((r) => r.kind === kind);
  process.stdout.write(
    `${kind.padEnd(10)} ${summary(list, (r) => r.before).padEnd(19)} ${summary(list, (r) => r.calibrated).padEnd(19)} ${summary(list, (r) => r.tokenizer)}\n`,
  );
}

// Against each family's own tokenizer: what the guard counts for a model of that family (OpenAI's tokenizer for
// OpenAI, the estimate with its stated margin for the others) and the bare estimate, on the same corpus.
const FAMILY_MODELS: Record<Family, string> = {
  openai: 'openai/gpt-4o',
  llama: 'meta-llama/llama-3.3-70b-instruct',
  qwen: 'qwen/qwen-2.5-72b-instruct',
  deepseek: 'deepseek/deepseek-chat',
  claude: 'anthropic/claude-3.5-sonnet',
};
const guard = new BudgetGuard({ url: 'http://127.0.0.1:9' });
process.stdout.write(
  `\nper model family, against its own tokenizer (${corpus.length} prompts) — mean |error| | worst undercount\n` +
    `${'family'.padEnd(10)} ${'estimate'.padEnd(19)} BudgetGuard's count\n`,
);
for (const family of FAMILIES) {
  const model = FAMILY_MODELS[family];
  const list: Row[] = [];
  for (const s of corpus)
    list.push({
      kind: s.kind,
      billed: providerPromptTokens(s.messages, model),
      before: 0,
      calibrated: estimatePromptTokens(s.messages),
      tokenizer: await guard.countPromptTokens({ model, messages: s.messages }),
    });
  process.stdout.write(
    `${family.padEnd(10)} ${summary(list, (r) => r.calibrated).padEnd(19)} ${summary(list, (r) => r.tokenizer)}\n`,
  );
}

// The demo's traffic (`npm run demo`'s plan, its prompts and models), sent through the real openai SDK to the fake
// OpenRouter counting each model's prompt as its provider would: what BudgetGuard counted against the usage reported.
const fake = await startFakeOpenRouter({ promptTokens: providerPromptTokens });
const openai = new OpenAI({ baseURL: fake.baseURL, apiKey: 'k', maxRetries: 0 });
process.stdout.write(
  `\nthe demo's traffic against the prompt tokens reported — calls | reported | counted | mean |error| | worst undercount\n`,
);
const all: { reported: number; counted: number }[] = [];
for (const model of [...new Set(DEMO_PLAN.map((p) => p.model))]) {
  const calls: { reported: number; counted: number }[] = [];
  for (const plan of DEMO_PLAN.filter((p) => p.model === model))
    for (let i = 0; i < plan.calls; i++) {
      const messages = demoMessages(plan, i);
      const completion = await openai.chat.completions.create({ model, messages, max_tokens: 1 });
      calls.push({
        reported: completion.usage!.prompt_tokens,
        counted: await guard.countPromptTokens({ model, messages }),
      });
    }
  all.push(...calls);
  process.stdout.write(`${model.padEnd(36)} ${demoLine(calls)}\n`);
}
process.stdout.write(`${'all'.padEnd(36)} ${demoLine(all)}\n`);
await fake.close();

function demoLine(calls: { reported: number; counted: number }[]): string {
  const reported = calls.reduce((n, c) => n + c.reported, 0);
  const counted = calls.reduce((n, c) => n + c.counted, 0);
  const errors = calls.map((c) => pct(c.counted, c.reported));
  const meanAbs = errors.reduce((n, e) => n + Math.abs(e), 0) / errors.length;
  const worstUnder = Math.min(0, ...errors);
  return `${String(calls.length).padStart(5)} | ${String(reported).padStart(8)} | ${String(counted).padStart(7)} | ${meanAbs.toFixed(1).padStart(6)}% | ${worstUnder.toFixed(1).padStart(6)}%`;
}
