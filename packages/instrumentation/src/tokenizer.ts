// `@genops/instrumentation/tokenizer`: exact prompt tokens for OpenAI models with OpenAI's o200k tokenizer and chat
// format, for BudgetGuard's `promptTokenCounter`. Needs the optional peer `gpt-tokenizer` (about 30 MB with all
// its encodings), so only services that want exact OpenAI counts install it.
import { encodeChat } from 'gpt-tokenizer/encoding/o200k_base';
import { textOf, type PromptTokenCounter } from './budget/prompt-tokens.js';

/** Model ids (with or without the `openai/` prefix) that o200k tokenizes: GPT-4o, 4.1, 5, o-series. */
const O200K = /^(openai\/)?(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|o1|o3|o4)/i;

type Role = 'system' | 'user' | 'assistant';

/** o200k chat count for OpenAI models; undefined for other models (BudgetGuard falls back to its estimate). */
export const o200kPromptTokens: PromptTokenCounter = (messages, model) => {
  if (!O200K.test(model)) return undefined;
  const chat = messages.map((m) => ({
    role: (['system', 'user', 'assistant'].includes(String(m.role)) ? m.role : 'user') as Role,
    content: textOf(m.content),
  }));
  return encodeChat(chat, 'gpt-4o').length;
};
