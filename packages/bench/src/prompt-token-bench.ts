// Prompt-token estimates against what OpenAI bills (o200k with the chat format), on a corpus of prompts in several
// kinds (English, code, JSON, German, French, Chinese, Japanese, Korean, multi-turn chat). BudgetGuard reserves for
// the estimate, so an undercount under-reserves. Prints, per kind and overall: the old fixed 4 characters a token,
// the calibrated estimate (`estimatePromptTokens`: letters, symbols and CJK characters weighted, chat overhead),
// and the o200k counter for OpenAI models (exact: it is how OpenAI counts). Re-fit the estimate's weights here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { estimatePromptTokens, type ChatMessageLike } from '@genops/instrumentation';
import { o200kPromptTokens } from '@genops/instrumentation/tokenizer';

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
