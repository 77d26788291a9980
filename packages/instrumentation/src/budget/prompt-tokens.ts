// Prompt tokens of a chat request, before it is sent: what BudgetGuard reserves for. OpenAI's own tokenizers for
// OpenAI models (`@genops/instrumentation/tokenizer`, loaded by the guard when it first needs them), a counter the
// service supplies for its other models, else a calibrated estimate with a stated margin.

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

/**
 * The stated margin for models no tokenizer counts: the estimate × (1 + PROMPT_ESTIMATE_MARGIN), plus
 * PROMPT_ESTIMATE_SLACK_TOKENS for the chat template a provider wraps the prompt in. Measured by `npm run bench:tokens`
 * against the tokenizers of Llama 3, Qwen, DeepSeek V3 and Claude (Anthropic's published one) and OpenAI's on its
 * corpus: no prompt of any family counts more (the worst, Korean under Claude's tokenizer, needs 24 % with the slack).
 */
export const PROMPT_ESTIMATE_MARGIN = 0.25;
export const PROMPT_ESTIMATE_SLACK_TOKENS = 16;

/** Model ids (with or without the `openai/` prefix) that o200k tokenizes: GPT-4o, 4.1, 4.5, 5, o-series. */
export const O200K_MODELS = /^(openai\/)?(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|o1|o3|o4)/i;
/** Model ids that cl100k tokenizes: GPT-4 and GPT-4 Turbo (not 4o, 4.1, 4.5), GPT-3.5 Turbo. */
export const CL100K_MODELS = /^(openai\/)?(gpt-4(?![o.])|gpt-3\.5)/i;

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

/** The estimate with its stated margin: what a model without a tokenizer is reserved for. */
export function estimatePromptTokensWithMargin(messages: readonly ChatMessageLike[]): number {
  return (
    Math.ceil(estimatePromptTokens(messages) * (1 + PROMPT_ESTIMATE_MARGIN)) + PROMPT_ESTIMATE_SLACK_TOKENS
  );
}
