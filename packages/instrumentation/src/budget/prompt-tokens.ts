// Prompt tokens of a chat request, before it is sent: what BudgetGuard reserves for. A tokenizer where the caller
// supplies one for the model (`@genops/instrumentation/tokenizer`: OpenAI's o200k), else a calibrated estimate.

/** Counts a request's prompt tokens for `model`, or returns undefined when it has no tokenizer for that model. */
export type PromptTokenCounter = (messages: readonly ChatMessageLike[], model: string) => number | undefined;

export interface ChatMessageLike {
  role?: unknown;
  content?: unknown;
  name?: unknown;
}

/**
 * The estimate's weights, calibrated with `npm run bench:tokens -w @genops/bench` against o200k on its corpus
 * (English, code, JSON, German, French, Chinese, Japanese, Korean, chat): letters and digits LETTERS_PER_TOKEN to a
 * token, each punctuation mark or symbol TOKENS_PER_SYMBOL (code and JSON are dense in them), each CJK character
 * TOKENS_PER_CJK (Han, kana, Hangul).
 */
export const LETTERS_PER_TOKEN = 4.6;
export const TOKENS_PER_SYMBOL = 1.1;
export const TOKENS_PER_CJK = 0.65;
/** Tokens the chat format adds per message (role and separators) and once for the reply's priming. */
export const TOKENS_PER_MESSAGE = 4;
export const TOKENS_PER_REPLY = 3;

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/gu;
const LETTER = /[\p{L}\p{N}]/gu;
const SYMBOL = /[^\p{L}\p{N}\s]/gu;

export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((part) =>
        typeof part === 'object' && part && 'text' in part ? String((part as { text: unknown }).text) : '',
      )
      .join('');
  return content === undefined || content === null ? '' : JSON.stringify(content);
}

/** The calibrated estimate of a text's tokens (see the weights above). */
export function estimateTextTokens(text: string): number {
  const cjk = text.match(CJK)?.length ?? 0;
  const rest = cjk ? text.replace(CJK, '') : text;
  const letters = rest.match(LETTER)?.length ?? 0;
  const symbols = rest.match(SYMBOL)?.length ?? 0;
  return Math.ceil(letters / LETTERS_PER_TOKEN + symbols * TOKENS_PER_SYMBOL + cjk * TOKENS_PER_CJK);
}

/** The calibrated estimate of a request's prompt tokens, chat overhead included. */
export function estimatePromptTokens(messages: readonly ChatMessageLike[]): number {
  let tokens = TOKENS_PER_REPLY;
  for (const message of messages) tokens += TOKENS_PER_MESSAGE + estimateTextTokens(textOf(message.content));
  return tokens;
}
